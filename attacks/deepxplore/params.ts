// DeepXplore's params, with the defaults of its released MNIST runs (gen_diff.py <transformation> 1 0.1 10 <seeds> 50 0).
import { z } from 'zod';
import { criterionParams } from '../../metrics/coverage/criterion-params.js';
import { OCCLUSION_POSITIONS } from './occlusion-window.js';
import { TRANSFORMATIONS } from './transformations.js';

export const params = z
  .object({
    ...criterionParams(0),
    transformation: z.enum(TRANSFORMATIONS).default('light'),
    /** λ: weight of the model under attack leaving the seed's label, against the others keeping it */
    weight_diff: z.number().positive().default(1),
    /** weight of the coverage objective */
    weight_nc: z.number().nonnegative().default(0.1),
    /**
     * step per iteration along the normalised, constrained gradient, on gauntlet's [0, 1] pixel scale.
     * The released MNIST code divides images by 255 and adds 10 × the direction: 10 on this scale.
     */
    step: z.number().positive().default(10),
    iterations: z.number().int().positive().default(50),
    occlusion_row: z.number().int().nonnegative().default(0),
    occlusion_col: z.number().int().nonnegative().default(0),
    occlusion_size: z.number().int().positive().default(10),
    /**
     * `fixed` (the released code's): the square at (occlusion_row, occlusion_col); `gradient`: the
     * square with the most |gradient| of the joint objective at the seed, chosen once per seed
     */
    occlusion_position: z.enum(OCCLUSION_POSITIONS).default('fixed'),
    blackout_size: z.number().int().positive().default(6),
  })
  .strict();

export type DeepxploreParams = z.infer<typeof params>;
