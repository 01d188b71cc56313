// Increment/decrement marking (Elboher et al., as AIGENT uses it): which neurons φ wants larger (INC),
// smaller (DEC), either way depending on the path (MIXED), or does not depend on at all (FREE).
// Marks follow weight signs backwards; ReLU is non-decreasing, so raising an INC neuron (or lowering a
// DEC one) never lowers φ, whatever the phases. That is what lets a target `v = c` relax to `v ≥ c`
// (INC) or `v ≤ c` (DEC) and lets a patch fix the sign of each weight change.
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { SparseRows } from '../../harness/piecewise/sparse-rows.js';
import type { AdversarialProperty } from './property.js';

export const INC = 1;
export const DEC = -1;
export const MIXED = 0;
export const FREE = 2;

export type Mark = typeof INC | typeof DEC | typeof MIXED | typeof FREE;

/** Per layer of the view, per output neuron of that layer. */
export type Marks = Int8Array[];

function combine(current: number, contribution: number): number {
  if (current === FREE) return contribution;
  return current === contribution ? current : MIXED;
}

/** Marks of the inputs of `weights`, given the marks of its outputs. */
export function propagateMarks(outputs: ArrayLike<number>, weights: SparseRows): Int8Array {
  const inputs = new Int8Array(weights.cols).fill(FREE);
  for (let j = 0; j < weights.rows; j++) {
    const mark = outputs[j];
    if (mark === FREE) continue;
    for (let k = weights.rowStart[j]; k < weights.rowStart[j + 1]; k++) {
      const i = weights.colIndex[k];
      const w = weights.values[k];
      inputs[i] = combine(inputs[i], mark === MIXED ? MIXED : Math.sign(w) * mark);
    }
  }
  return inputs;
}

/**
 * Marks of every layer for φ. Each row of φ is linear in the logits, so the last hidden layer is
 * marked by the signs of φ's rows composed with the logit layer — exact, where marking through the
 * logits edge by edge would call MIXED every neuron feeding target and predicted class alike.
 */
export function incrementDecrementMarks(net: PiecewiseLinearNet, property: AdversarialProperty): Marks {
  const layers = net.layers;
  const last = layers.length - 1;
  const rows = property.rows.length;
  const classes = layers[last].weights.rows;
  const allInc = new Int8Array(rows).fill(INC);
  const marks: Marks = new Array(layers.length);
  marks[last] = propagateMarks(allInc, SparseRows.fromDense(rows, classes, property.rows.flatMap((row) => Array.from(row))));
  if (last === 0) return marks;
  const logits = layers[last].weights;
  const composed = new Float64Array(rows * logits.cols);
  property.rows.forEach((row, r) => {
    for (let k = 0; k < classes; k++) {
      if (row[k] === 0) continue;
      for (let e = logits.rowStart[k]; e < logits.rowStart[k + 1]; e++) composed[r * logits.cols + logits.colIndex[e]] += row[k] * logits.values[e];
    }
  });
  marks[last - 1] = propagateMarks(allInc, SparseRows.fromDense(rows, logits.cols, composed));
  for (let l = last - 2; l >= 0; l--) marks[l] = propagateMarks(marks[l + 1], layers[l + 1].weights);
  return marks;
}
