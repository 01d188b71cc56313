// DeepCheck-Imp: a pixel matters to the decision as much as its coefficient in the predicted label's
// affine expression along x's path. Three scores (paper, footnote 1): abs = |C_lj|, co = C_lj (signed:
// pixels that support the label rank first), coi = C_lj·x_j (what the pixel actually contributes).
export type ImportanceMetric = 'abs' | 'co' | 'coi';

export const IMPORTANCE_METRICS: readonly ImportanceMetric[] = ['abs', 'co', 'coi'];

export function importanceScores(metric: ImportanceMetric, coefficients: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  const scores = new Float64Array(coefficients.length);
  for (let j = 0; j < scores.length; j++) {
    const c = coefficients[j];
    scores[j] = metric === 'abs' ? Math.abs(c) : metric === 'co' ? c : c * x[j];
  }
  return scores;
}

/** Pixel indices by descending score; equal scores keep pixel order, so rankings are reproducible. */
export function rankPixels(scores: Float64Array): Int32Array {
  const order = Array.from({ length: scores.length }, (_, j) => j);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return Int32Array.from(order);
}

/** How many pixels the top `percent`% holds: 5% of 784 is 39, as in the paper. */
export function shortlistSize(percent: number, pixels: number): number {
  return Math.min(pixels, Math.max(1, Math.round((percent / 100) * pixels)));
}
