// The original network above a layer, run from given values there: Algorithm 1's simulate step (what
// φ's rows come to once a patch has set one layer), and the gradient of those rows with respect to
// that layer's values along the phases they induce.
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import type { AdversarialProperty } from './property.js';

export interface UpperPass {
  /** pre-activations of the layers above `from`, the last being the logits */
  pre: Float64Array[];
  logits: Float64Array;
}

/** Runs layers from+1 … last on `values`, the outputs (after ReLU) of layer `from`. */
export function runAbove(net: PiecewiseLinearNet, from: number, values: ArrayLike<number>): UpperPass {
  const pre: Float64Array[] = [];
  let current: ArrayLike<number> = values;
  for (let l = from + 1; l < net.layers.length; l++) {
    const layer = net.layers[l];
    const z = layer.weights.multiply(current);
    for (let i = 0; i < z.length; i++) z[i] += layer.bias[i];
    pre.push(z);
    current = layer.relu ? z.map((v) => (v > 0 ? v : 0)) : z;
  }
  return { pre, logits: (pre[pre.length - 1] ?? Float64Array.from(values)) };
}

/** ∂(row·logits)/∂values for each row of φ, through the phases `pass` found (a unit at exactly 0 counts as inactive). */
export function propertyGradients(net: PiecewiseLinearNet, from: number, pass: UpperPass, property: AdversarialProperty): Float64Array[] {
  return property.rows.map((row) => {
    let gradient = Float64Array.from(row);
    for (let l = net.layers.length - 1; l > from; l--) {
      const layer = net.layers[l];
      const z = pass.pre[l - from - 1];
      if (layer.relu) gradient = gradient.map((g, j) => (z[j] > 0 ? g : 0));
      const below = new Float64Array(layer.weights.cols);
      const w = layer.weights;
      for (let j = 0; j < w.rows; j++) {
        if (gradient[j] === 0) continue;
        for (let e = w.rowStart[j]; e < w.rowStart[j + 1]; e++) below[w.colIndex[e]] += gradient[j] * w.values[e];
      }
      gradient = below;
    }
    return gradient;
  });
}
