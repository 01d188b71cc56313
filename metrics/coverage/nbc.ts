// Neuron boundary coverage (Ma et al., DeepGauge): each neuron has two corner items, its lower corner
// (a value below the lowest seen on the training data) and its upper corner (above the highest).
// Item 2g is neuron g's lower corner, item 2g + 1 its upper corner.
import { span, type CoverageCriterion, type NeuronBounds } from './criterion.js';
import type { NeuronLayout } from './neuron-layout.js';

export function boundaryCoverage(layout: NeuronLayout, bounds: NeuronBounds): CoverageCriterion {
  return {
    spec: { name: 'nbc' },
    label: 'nbc',
    items: 2 * layout.total,
    adaptive: false,
    neuronOf: (item) => item >> 1,
    hits(acts, row) {
      const out: number[] = [];
      for (let neuron = 0; neuron < layout.total; neuron++) {
        const v = layout.value(acts, row, neuron);
        if (v < bounds.low[neuron]) out.push(2 * neuron);
        else if (v > bounds.high[neuron]) out.push(2 * neuron + 1);
      }
      return out;
    },
    distance(item, acts, row) {
      const neuron = item >> 1;
      const v = layout.value(acts, row, neuron);
      const gap = item % 2 === 0 ? v - bounds.low[neuron] : bounds.high[neuron] - v;
      return Math.max(0, gap) / span(bounds, neuron);
    },
    objective: (item) => [{ layer: layout.layerOf(item >> 1), unit: layout.unitOf(item >> 1), weight: item % 2 === 0 ? -1 : 1 }],
  };
}
