// Strong neuron activation coverage (Ma et al., DeepGauge): NBC's upper corners only — a neuron is
// covered by an input that drives it above the highest value seen on the training data.
import { span, type CoverageCriterion, type NeuronBounds } from './criterion.js';
import type { NeuronLayout } from './neuron-layout.js';

export function strongActivationCoverage(layout: NeuronLayout, bounds: NeuronBounds): CoverageCriterion {
  return {
    spec: { name: 'snac' },
    label: 'snac',
    items: layout.total,
    adaptive: false,
    neuronOf: (item) => item,
    hits(acts, row) {
      const out: number[] = [];
      for (let neuron = 0; neuron < layout.total; neuron++) if (layout.value(acts, row, neuron) > bounds.high[neuron]) out.push(neuron);
      return out;
    },
    distance: (item, acts, row) => Math.max(0, bounds.high[item] - layout.value(acts, row, item)) / span(bounds, item),
    objective: (item) => [{ layer: layout.layerOf(item), unit: layout.unitOf(item), weight: 1 }],
  };
}
