// FGSM (Goodfellow, Shlens, Szegedy 2015): one step of size ε along the sign of the input gradient.
import { z } from 'zod';
import { definePlugin } from '../../harness/plugin.js';
import type { SampleOutcome } from '../../harness/types.js';
import { row, stack } from '../shared/batch.js';
import { linfBall, signStep } from '../shared/linf-ball.js';
import { lossParam } from '../shared/loss-param.js';

const params = z
  .object({
    epsilon: z.number().positive().default(0.1),
    loss: lossParam,
  })
  .strict();

export type FgsmParams = z.infer<typeof params>;

export const fgsm = definePlugin<FgsmParams>({
  id: 'fgsm',
  summary: 'Fast gradient sign method: x + ε·sign(∇loss), clipped to [0, 1] (one gradient step)',
  kind: 'attack',
  params,
  needs: ['gradients'],
  chunkSize: () => 100,
  threat: (p) => ({ norm: 'linf', budget: p.epsilon }),
  async *run({ model, samples, params: p, signal }): AsyncGenerator<SampleOutcome> {
    const size = model.inputSize;
    // a model call on an empty batch is an error, and there is nothing to report
    if (samples.length === 0) return;
    if (signal.aborted) {
      for (const { index } of samples) yield { status: 'timeout', index, message: 'aborted before the gradient step' };
      return;
    }
    const labels = Int32Array.from(samples, (s) => s.label);
    const { gradient } = await model.inputGradient(stack(samples.map((s) => s.x), size), { kind: p.loss, labels });
    const adversarials = samples.map((s, n) => signStep(s.x, row(gradient, n, size), p.epsilon, linfBall(s.x, p.epsilon)));
    if (signal.aborted) {
      for (const { index } of samples) yield { status: 'timeout', index, message: 'aborted before checking the step' };
      return;
    }
    const predictions = await model.classify(stack(adversarials, size));
    for (let n = 0; n < samples.length; n++) {
      const { index, label } = samples[n];
      const prediction = predictions[n];
      yield prediction === label
        ? { status: 'not_found', index, details: { prediction } }
        : { status: 'adversarial', index, adversarial: adversarials[n], details: { prediction } };
    }
  },
});
