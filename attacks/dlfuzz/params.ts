// DLFuzz's params, with the defaults of its released MNIST run (gen_diff.py [2] 0.5 5 … 5 model1) and
// the constants of its gen_diff.py (step 0.02, weights 0.5, re-queue below 2% relative L2 change).
import { z } from 'zod';
import { criterionParams } from '../../metrics/coverage/criterion-params.js';
import { STRATEGIES } from './neuron-selection.js';

export const params = z
  .object({
    ...criterionParams(0.5),
    strategy: z.enum(STRATEGIES).default('top-weight'),
    /** targets chosen per mutant */
    neurons: z.number().int().positive().default(5),
    /** gradient steps per mutant */
    iterations: z.number().int().positive().default(5),
    step: z.number().positive().default(0.02),
    /** weight of the classes ranked 2–5 against the top class, and of the coverage objective */
    weight_predict: z.number().nonnegative().default(0.5),
    weight_neurons: z.number().nonnegative().default(0.5),
    /** a mutant that grows coverage is mutated further while ‖x − x₀‖₂ / ‖x₀‖₂ stays below this */
    requeue_below: z.number().nonnegative().default(0.02),
    /** mutants taken from the queue per seed, the seed included: the released code has no bound */
    max_mutants: z.number().int().positive().default(20),
  })
  .strict();

export type DlfuzzParams = z.infer<typeof params>;
