// Params of minimal-lp; every default here is what `gauntlet list` shows and configs may override.
import { z } from 'zod';
import { SOLVER_ENGINES } from '../../harness/solvers/solver.js';

export const MODES = ['regions', 'local', 'milp'] as const;

export const minimalLpParams = z
  .object({
    /** regions: the paper's complete region search; local: the input's own region only (Bastani et al.); milp: the exact reference */
    mode: z.enum(MODES).default('regions'),
    /** L1 radius of the ball B(x, ε) ∩ [0,1]ⁿ the search is complete in */
    epsilon: z.number().positive().default(5),
    /** adversarials are reported up to this L1 (≥ epsilon; null: epsilon). Beyond ε, regions/local give upper bounds on the minimum */
    max_l1: z.number().positive().nullable().default(null),
    /** 'untargeted', 'each' (every class other than the label, one minimum per class) or one class index */
    target: z.union([z.enum(['untargeted', 'each']), z.number().int().min(0)]).default('untargeted'),
    /** logit margin κ of the reported adversarial over every other class, so float32 re-prediction agrees */
    margin: z.number().positive().default(1e-3),
    /** LPs (or MILPs) per sample before the search stops, incomplete */
    max_regions: z.number().int().positive().default(1000),
    /** wall-clock seconds per sample before the search stops, incomplete (keep it under the run's sample_timeout_s) */
    time_limit_s: z.number().positive().default(60),
    solver: z.enum(SOLVER_ENGINES).default('highs'),
    /** thresholds δ of the leaderboard's frequency φ(δ) and severity μ(δ) columns */
    deltas: z.array(z.number().positive()).min(1).default([5, 10, 20]),
  })
  .strict();

export type MinimalLpParams = z.infer<typeof minimalLpParams>;

/** The L1 up to which adversarials are reported: the declared threat budget. */
export function reportRadius(p: MinimalLpParams): number {
  return Math.max(p.epsilon, p.max_l1 ?? p.epsilon);
}
