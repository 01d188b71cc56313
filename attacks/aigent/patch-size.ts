// How big a weight patch is. The patch LPs solve for Δ_j, the change of each patched neuron's
// pre-activation; many weight patches ε give the same Δ, and this picks the sparsest one that still
// attains the LP's optimum: with the L∞ objective, the largest inputs take the full change M first;
// with the L1 objective, all of Δ_j goes on the single largest input.
import type { PatchNorm } from './params.js';

export interface PatchSize {
  /** weights given a non-zero change */
  weights_changed: number;
  /** patched neurons whose pre-activation changes */
  neurons_changed: number;
  /** largest change of one weight */
  linf: number;
  /** sum of the weight changes' magnitudes */
  l1: number;
}

/** Changes below this are solver noise, not part of the patch. */
export const CHANGE_TOLERANCE = 1e-9;

export function patchSize(change: ArrayLike<number>, inputs: ArrayLike<number>, norm: PatchNorm): PatchSize {
  const magnitudes = Array.from(inputs, Math.abs)
    .filter((a) => a > 0)
    .sort((a, b) => b - a);
  const total = magnitudes.reduce((sum, a) => sum + a, 0);
  const largest = magnitudes[0] ?? 0;
  let neurons = 0;
  let biggest = 0;
  for (let j = 0; j < change.length; j++) {
    const size = Math.abs(change[j]);
    if (size <= CHANGE_TOLERANCE) continue;
    neurons++;
    biggest = Math.max(biggest, size);
  }
  if (neurons === 0) return { weights_changed: 0, neurons_changed: 0, linf: 0, l1: 0 };
  if (norm === 'l1') {
    let l1 = 0;
    for (let j = 0; j < change.length; j++) if (Math.abs(change[j]) > CHANGE_TOLERANCE) l1 += Math.abs(change[j]) / largest;
    return { weights_changed: neurons, neurons_changed: neurons, linf: biggest / largest, l1 };
  }
  const bound = biggest / total;
  let weights = 0;
  let l1 = 0;
  for (let j = 0; j < change.length; j++) {
    let remaining = Math.abs(change[j]);
    if (remaining <= CHANGE_TOLERANCE) continue;
    for (const a of magnitudes) {
      const step = Math.min(bound, remaining / a);
      weights++;
      l1 += step;
      remaining -= step * a;
      if (remaining <= CHANGE_TOLERANCE * Math.max(1, Math.abs(change[j]))) break;
    }
  }
  return { weights_changed: weights, neurons_changed: neurons, linf: bound, l1 };
}
