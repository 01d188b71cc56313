// k-multisection neuron coverage (Ma et al., DeepGauge): each neuron's training range [low, high] is
// cut into k equal sections; item (neuron, s) is covered by an input whose value falls in section s.
// Values outside [low, high] belong to NBC's corners, not to any section. A neuron whose training
// range is one point has its value there counted in section 0 only.
import { span, type CoverageCriterion, type NeuronBounds } from './criterion.js';
import type { LayerActivations, NeuronLayout } from './neuron-layout.js';

/** The section `value` falls in, or -1 outside [low, high]. */
export function sectionOf(value: number, low: number, high: number, sections: number): number {
  if (!(value >= low && value <= high)) return -1;
  if (high === low) return 0;
  return Math.min(sections - 1, Math.floor(((value - low) / (high - low)) * sections));
}

export function multisectionCoverage(layout: NeuronLayout, bounds: NeuronBounds, sections: number): CoverageCriterion {
  const edges = (item: number): { neuron: number; lo: number; hi: number } => {
    const neuron = Math.floor(item / sections);
    const s = item % sections;
    const low = bounds.low[neuron];
    const width = (bounds.high[neuron] - low) / sections;
    return { neuron, lo: low + s * width, hi: low + (s + 1) * width };
  };
  const valueOf = (acts: LayerActivations, row: number, neuron: number): number => layout.value(acts, row, neuron);
  return {
    spec: { name: 'kmnc', sections },
    label: `kmnc(k=${sections})`,
    items: layout.total * sections,
    adaptive: true,
    neuronOf: (item) => Math.floor(item / sections),
    hits(acts, row) {
      const out: number[] = [];
      for (let neuron = 0; neuron < layout.total; neuron++) {
        const s = sectionOf(valueOf(acts, row, neuron), bounds.low[neuron], bounds.high[neuron], sections);
        if (s >= 0) out.push(neuron * sections + s);
      }
      return out;
    },
    distance(item, acts, row) {
      const { neuron, lo, hi } = edges(item);
      const v = valueOf(acts, row, neuron);
      return Math.max(0, lo - v, v - hi) / span(bounds, neuron);
    },
    objective(item, acts, row) {
      // Toward the section's centre: the sign of (centre − value) is the gradient of −(value − centre)².
      const { neuron, lo, hi } = edges(item);
      const weight = valueOf(acts, row, neuron) > (lo + hi) / 2 ? -1 : 1;
      return [{ layer: layout.layerOf(neuron), unit: layout.unitOf(neuron), weight }];
    },
  };
}
