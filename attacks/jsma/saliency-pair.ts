// Papernot et al.'s saliency map over pairs of features (Algorithm 3): with α = ∂z_t/∂x and
// β = Σ_{j≠t} ∂z_j/∂x summed over a pair, a pair is admissible when moving both features in the
// attack's direction raises the target (α > 0) and lowers the others (β < 0); the best maximises
// α·|β|. For decreasing attacks both signs flip.

/**
 * The best admissible pair among the features of `domain`, or undefined when none is.
 * `target` holds ∂z_t/∂x and `sum` ∂Σ_k z_k/∂x of one sample; ties keep the first pair in order.
 */
export function bestPair(target: Float32Array, sum: Float32Array, domain: readonly number[], increase: boolean): [number, number] | undefined {
  const sign = increase ? 1 : -1;
  let best = 0;
  let pair: [number, number] | undefined;
  for (let a = 0; a < domain.length; a++) {
    const p = domain[a];
    const alphaP = sign * target[p];
    const betaP = sign * (sum[p] - target[p]);
    for (let b = a + 1; b < domain.length; b++) {
      const q = domain[b];
      const alpha = alphaP + sign * target[q];
      const beta = betaP + sign * (sum[q] - target[q]);
      if (alpha <= 0 || beta >= 0) continue;
      const score = -alpha * beta;
      if (score > best) {
        best = score;
        pair = [p, q];
      }
    }
  }
  return pair;
}
