// Black-box baseline: uniform L∞ noise. Anything smarter should beat it at the same ε; if it does
// not, the smarter attack is broken or the model's gradients are masked.
import { z } from 'zod';
import { definePlugin } from '../../harness/plugin.js';
import type { SampleInput, SampleOutcome } from '../../harness/types.js';
import { stack } from '../shared/batch.js';
import { linfBall, uniformInBall, type Box } from '../shared/linf-ball.js';

const params = z
  .object({
    epsilon: z.number().positive().default(0.1),
    trials: z.number().int().positive().default(100),
  })
  .strict();

export type RandomParams = z.infer<typeof params>;

interface Search {
  sample: SampleInput;
  box: Box;
}

export const random = definePlugin<RandomParams>({
  id: 'random',
  summary: 'Uniform noise in the L∞ ε-ball, clipped to [0, 1], up to `trials` draws per sample (classify only)',
  kind: 'attack',
  params,
  needs: [],
  chunkSize: () => 100,
  threat: (p) => ({ norm: 'linf', budget: p.epsilon }),
  async *run({ model, samples, params: p, signal }): AsyncGenerator<SampleOutcome> {
    let active: Search[] = samples.map((sample) => ({ sample, box: linfBall(sample.x, p.epsilon) }));
    for (let trial = 1; trial <= p.trials && active.length > 0; trial++) {
      if (signal.aborted) {
        for (const { sample } of active) {
          yield { status: 'timeout', index: sample.index, message: `aborted after ${trial - 1} trials`, details: { trials: trial - 1 } };
        }
        return;
      }
      const candidates = active.map(({ sample, box }) => uniformInBall(sample.x, p.epsilon, box, () => sample.rng.next()));
      const predictions = await model.classify(stack(candidates, model.inputSize));
      const standing: Search[] = [];
      for (let n = 0; n < active.length; n++) {
        const { sample } = active[n];
        if (predictions[n] === sample.label) {
          standing.push(active[n]);
        } else {
          yield { status: 'adversarial', index: sample.index, adversarial: candidates[n], details: { prediction: predictions[n], trial } };
        }
      }
      active = standing;
    }
    for (const { sample } of active) yield { status: 'not_found', index: sample.index, details: { trials: p.trials } };
  },
});
