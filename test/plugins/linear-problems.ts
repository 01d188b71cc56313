// Random linear classifiers with their exact answer: for z = W x + b, the largest value of z_o − z_y
// over the box B = ε-ball ∩ [0, 1] is reached at the corner clip(x0 + ε·sign(w_o − w_y)), so whether
// an adversarial exists in B is known exactly.
import { createRng } from '../../harness/rng.js';
import type { Rng } from '../../harness/types.js';
import type { LabelledSample } from '../conformance/run-plugin.js';
import { argmax, linearModel, type LinearModel } from '../helpers/linear-model.js';

export interface LinearProblem {
  model: LinearModel;
  samples: LabelledSample[];
  /** per sample index: max over other classes o of (z_o − z_y) at its best corner; > 0 iff an adversarial exists */
  bestMargin: Map<number, number>;
}

/**
 * `count` samples of a random `classes` × `features` linear model, each labelled with the model's own
 * prediction; samples whose answer is within `gap` of a tie are left out, so float32 rounding
 * cannot decide a test.
 */
export function linearProblem(options: { seed: number; classes: number; features: number; count: number; epsilon: number; gap?: number }): LinearProblem {
  const rng = createRng('linear-problem', options.seed);
  const uniform = (lo: number, hi: number): number => lo + (hi - lo) * rng.next();
  const weights = Array.from({ length: options.classes }, () => Array.from({ length: options.features }, () => uniform(-2, 2)));
  const bias = Array.from({ length: options.classes }, () => uniform(-0.5, 0.5));
  const model = linearModel({ weights, bias, name: `linear-${options.classes}x${options.features}` });
  const gap = options.gap ?? 1e-3;
  const samples: LabelledSample[] = [];
  const bestMargin = new Map<number, number>();
  for (let index = 0; samples.length < options.count; index++) {
    const x = randomPoint(rng, options.features);
    const z = model.logits(x);
    const label = argmax(z);
    const ownGap = Math.min(...z.filter((_, k) => k !== label).map((v) => z[label] - v));
    const margin = bestCornerMargin(weights, bias, x, label, options.epsilon);
    if (ownGap < gap || Math.abs(margin) < gap) continue;
    samples.push({ index, x, label });
    bestMargin.set(index, margin);
  }
  return { model, samples, bestMargin };
}

/** Points spread over the box, with some coordinates on or near its faces so clipping matters. */
function randomPoint(rng: Rng, features: number): Float32Array {
  return Float32Array.from({ length: features }, () => {
    const r = rng.next();
    return r < 0.1 ? 0 : r < 0.2 ? 1 : rng.next();
  });
}

export function bestCornerMargin(weights: number[][], bias: number[], x0: Float32Array, label: number, epsilon: number): number {
  let best = -Infinity;
  weights.forEach((wo, o) => {
    if (o === label) return;
    let margin = bias[o] - bias[label];
    wo.forEach((woi, i) => {
      const w = woi - weights[label][i];
      const corner = Math.min(1, Math.max(0, x0[i] + epsilon * Math.sign(w)));
      margin += w * Math.fround(corner);
    });
    best = Math.max(best, margin);
  });
  return best;
}
