// L0-TRE's params. Defaults suit a quick run (t = 1, the polynomial stage); the paper config asks for t ≤ 2.
import { z } from 'zod';

export const l0treParams = z
  .object({
    /** largest subspace dimension t searched (C(n, t) subspaces each: t = 2 is 307k on MNIST) */
    t_max: z.number().int().min(1).max(4).default(1),
    /** values per pixel: evenly spaced points of [0, 1]; 2 gives {0, 1} (ε = 0.5, as the released code) */
    grid: z.number().int().min(2).max(256).default(2),
    /** perturbed inputs per evaluation batch */
    batch_size: z.number().int().positive().default(4096),
    /** anytime budget in seconds per sample, pooled over the chunk: the search stops there and reports the bounds reached */
    time_budget_s: z.number().positive().default(30),
    /** samples searched together: the set T0 of the paper (each chunk has its own rows in anytime.csv) */
    chunk_size: z.number().int().positive().default(1000),
    /** how perturbed inputs are evaluated: incrementally from cached activations where the network allows it, or by the model */
    evaluator: z.enum(['auto', 'model', 'receptive-field']).default('auto'),
    /** bounds: the L0 robustness bounds; coverage: coverage-driven test generation (case study three) */
    mode: z.enum(['bounds', 'coverage']).default('bounds'),
  })
  .strict();

export type L0treParams = z.infer<typeof l0treParams>;
