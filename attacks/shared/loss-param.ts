// The loss the gradient attacks ascend, as a param: cross-entropy follows Goodfellow/Madry; margin
// (best other logit minus the label's logit) does not saturate on confidently classified inputs.
import { z } from 'zod';

export const lossParam = z.enum(['cross-entropy', 'margin']).default('cross-entropy');
