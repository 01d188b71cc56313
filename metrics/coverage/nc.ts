// Neuron coverage (Pei et al., DeepXplore): a neuron is covered by an input whose value, min–max
// scaled over the neurons of its layer for that input, exceeds the threshold. DeepXplore scales the
// whole feature map before averaging a channel; gauntlet scales the channel means (its neurons), so
// a conv layer's scaled values spread over [0, 1] the same way a dense layer's do.
import type { CoverageCriterion } from './criterion.js';
import type { LayerActivations, NeuronLayout } from './neuron-layout.js';

/** Each value of `values` min–max scaled; all 0 when the layer is constant (DeepXplore divides by zero there and covers nothing). */
function scaledWithinLayer(values: Float32Array): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out = new Float64Array(values.length);
  if (max > min) for (let i = 0; i < values.length; i++) out[i] = (values[i] - min) / (max - min);
  return out;
}

export function neuronCoverage(layout: NeuronLayout, threshold: number): CoverageCriterion {
  const scaled = (acts: LayerActivations, row: number, neuron: number): number =>
    scaledWithinLayer(layout.row(acts, row, layout.layerOf(neuron)))[layout.unitOf(neuron)];
  return {
    spec: { name: 'nc', threshold },
    label: `nc(t=${threshold})`,
    items: layout.total,
    adaptive: false,
    neuronOf: (item) => item,
    hits(acts, row) {
      const out: number[] = [];
      layout.units.forEach((_, layer) => {
        scaledWithinLayer(layout.row(acts, row, layer)).forEach((v, unit) => {
          if (v > threshold) out.push(layout.offsets[layer] + unit);
        });
      });
      return out;
    },
    distance: (item, acts, row) => Math.max(0, threshold - scaled(acts, row, item)),
    objective: (item) => [{ layer: layout.layerOf(item), unit: layout.unitOf(item), weight: 1 }],
  };
}
