// A linear function of a layer's pre-activations, bounded over the ball by substituting each layer's
// ReLU relaxation back to the input (as DeepPoly/CROWN do) and maximising the resulting linear function
// of Δx exactly over the L1 ball ∩ box. Far tighter than interval arithmetic on deep layers, because
// the dependence of every unit on the same pixels is kept; the paper's Lemma 2 is intersected with it.
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { ACTIVE, FREE, INACTIVE, type Pattern } from './activation-pattern.js';
import type { Interval } from './ball-bounds.js';
import { maxOverBall } from './l1-ball.js';

/**
 * max over the relaxation of Σ c_k z_k at layer `layer`, for x in the ball; `bounds` must cover every
 * layer below it and `pattern` (where not FREE) fixes phases, as inside a subtree of the region search.
 */
export function relaxedMax(
  net: PiecewiseLinearNet,
  bounds: readonly Interval[],
  pattern: Pattern,
  layer: number,
  c: Float64Array,
  x0: ArrayLike<number>,
  radius: number,
): number {
  let constant = 0;
  let lambda = c;
  for (let m = layer; m >= 0; m--) {
    const { weights, bias } = net.layers[m];
    for (let k = 0; k < lambda.length; k++) constant += lambda[k] * bias[k];
    const below = new Float64Array(weights.cols);
    for (let k = 0; k < weights.rows; k++) {
      const coefficient = lambda[k];
      if (coefficient === 0) continue;
      for (let e = weights.rowStart[k]; e < weights.rowStart[k + 1]; e++) below[weights.colIndex[e]] += coefficient * weights.values[e];
    }
    if (m === 0) {
      let atX0 = 0;
      for (let i = 0; i < below.length; i++) atX0 += below[i] * x0[i];
      return constant + atX0 + maxOverBall(below, x0, radius);
    }
    // below holds the coefficients of layer m−1's outputs: replace each ReLU by its bound on the side that maximises
    const { lower, upper } = bounds[m - 1];
    const phases = pattern[m - 1];
    for (let j = 0; j < below.length; j++) {
      const coefficient = below[j];
      if (coefficient === 0) continue;
      const phase = phases[j] !== FREE ? phases[j] : lower[j] >= 0 ? ACTIVE : upper[j] <= 0 ? INACTIVE : FREE;
      if (phase === INACTIVE) {
        below[j] = 0;
      } else if (phase === FREE) {
        if (coefficient > 0) {
          const slope = upper[j] / (upper[j] - lower[j]);
          below[j] = coefficient * slope;
          constant -= coefficient * slope * lower[j];
        } else if (upper[j] <= -lower[j]) {
          // lower side y ≥ α·z with α ∈ {0, 1}, whichever leaves the smaller area
          below[j] = 0;
        }
      }
    }
    lambda = below;
  }
  throw new Error('unreachable: the loop returns at the input layer');
}
