// The minimum of a region sits exactly on the decision boundary, where float32 re-prediction can go
// either way. The adversarial a plugin reports is therefore the region's optimum with the target's
// logit ahead of every other by a margin κ (a slightly larger L1); the margin-free optimum stays the bound.
import { forwardTrace, type PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import type { Pattern } from './activation-pattern.js';
import type { RegionProgram } from './region-program.js';
import type { SearchBudget } from './search-budget.js';

export interface Candidate {
  target: number;
  adversarial: Float32Array;
  /** ‖adversarial − x0‖₁ as float32 pixels give it */
  l1: number;
  /** the logit margin it was solved with */
  margin: number;
}

/**
 * Float32 rounding of the changed pixels adds up to about 1e-7 of L1 per pixel; the LP keeps this much
 * below the declared budget so the harness's check (budget + 1e-6) passes.
 */
const ROUNDING_ROOM = 1e-5;

/** Polishing runs even after the search's caps stop it (the answer needs it), under its own limit. */
const POLISH_TIME_LIMIT_S = 10;

/** The region's closest point with the target ahead by `margin`, or undefined when that is infeasible within `limit`. */
export function polish(
  net: PiecewiseLinearNet,
  x0: Float32Array,
  program: RegionProgram,
  target: number,
  pattern: Pattern,
  margin: number,
  limit: number,
  budget: SearchBudget,
): Candidate | undefined {
  budget.lps++;
  const solution = program.solve({ target, pattern, bounds: null, cap: limit - ROUNDING_ROOM, margin, timeLimitS: POLISH_TIME_LIMIT_S });
  if (solution.status !== 'optimal') return undefined;
  const adversarial = Float32Array.from(solution.x, (v) => Math.min(1, Math.max(0, v)));
  const logits = forwardTrace(net, adversarial).post[net.layers.length - 1];
  for (let k = 0; k < logits.length; k++) if (k !== target && !(logits[target] > logits[k])) return undefined;
  let l1 = 0;
  for (let i = 0; i < x0.length; i++) l1 += Math.abs(adversarial[i] - x0[i]);
  return { target, adversarial, l1, margin };
}
