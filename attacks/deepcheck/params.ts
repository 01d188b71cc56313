// DeepCheck's parameters, defaults first: the cheap engine, one pixel, the importance order the paper
// recommends, stopping at the first attack.
import { z } from 'zod';
import { SMT_ENGINES } from '../../harness/solvers/smt/engine.js';
import { SEARCH_ORDERS } from './candidates.js';
import { IMPORTANCE_METRICS } from './importance.js';

export const deepcheckParams = z
  .object({
    /** pixels made symbolic at once */
    t: z.literal([1, 2]).default(1),
    /** importance score of a pixel: |C_lj|, C_lj or C_lj·x_j */
    metric: z.enum(IMPORTANCE_METRICS).default('coi'),
    order: z.enum(SEARCH_ORDERS).default('importance'),
    /** size of the `shortlist` order's pixel set, in percent of the input */
    shortlist_percent: z.number().positive().max(100).default(5),
    /** 'any': any other label; 'next': label + 1 (mod classes); a number: that class */
    target: z.union([z.enum(['any', 'next']), z.number().int().min(0)]).default('any'),
    /** stop at the first confirmed attack, or decide every candidate */
    mode: z.enum(['first', 'all']).default('first'),
    engine: z.enum(SMT_ENGINES).default('exact'),
    /** how far an attack's phases and winning logit must clear their boundaries (float32 re-checks it) */
    margin: z.number().positive().max(1).default(1e-3),
  })
  .strict();

export type DeepcheckParams = z.infer<typeof deepcheckParams>;
