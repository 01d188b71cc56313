// Top-k neuron coverage (Ma et al., DeepGauge): a neuron is covered by an input for which it is among
// the k largest values of its layer. Ties go to the lower unit, so every input covers exactly
// min(k, units) neurons per layer.
import type { CoverageCriterion } from './criterion.js';
import type { LayerActivations, NeuronLayout } from './neuron-layout.js';

/** Units of `values` from largest to smallest, ties by unit: the first k are the layer's top k. */
function ranked(values: Float32Array): number[] {
  return Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b);
}

export function topKCoverage(layout: NeuronLayout, k: number): CoverageCriterion {
  /** the layer of `neuron`, its unit, and its layer's k-th largest unit for input `row` */
  const place = (acts: LayerActivations, row: number, neuron: number) => {
    const layer = layout.layerOf(neuron);
    const values = layout.row(acts, row, layer);
    const order = ranked(values);
    const unit = layout.unitOf(neuron);
    return { layer, unit, values, kth: order[Math.min(k, values.length) - 1], covered: order.indexOf(unit) < k };
  };
  return {
    spec: { name: 'tknc', k },
    label: `tknc(k=${k})`,
    items: layout.total,
    adaptive: true,
    neuronOf: (item) => item,
    hits(acts, row) {
      const out: number[] = [];
      layout.units.forEach((_, layer) => {
        const top = ranked(layout.row(acts, row, layer)).slice(0, k);
        out.push(...top.sort((a, b) => a - b).map((unit) => layout.offsets[layer] + unit));
      });
      return out;
    },
    distance(item, acts, row) {
      const { unit, values, kth, covered } = place(acts, row, item);
      if (covered) return 0;
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return (values[kth] - values[unit]) / (max > min ? max - min : 1);
    },
    objective(item, acts, row) {
      // Raise the neuron over the weakest of the current top k: the gradient of value − value_kth.
      const { layer, unit, kth, covered } = place(acts, row, item);
      const up = { layer, unit, weight: 1 };
      return covered || kth === unit ? [up] : [up, { layer, unit: kth, weight: -1 }];
    },
  };
}
