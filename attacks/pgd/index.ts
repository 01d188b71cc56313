// PGD (Madry et al. 2018): iterated sign-gradient steps projected onto the ε-ball ∩ [0, 1], from a
// random start in the ball. Each sample stops as soon as it is adversarial, so a chunk's batch
// shrinks as it goes; restarts re-draw the start only for the samples still standing.
import { z } from 'zod';
import { definePlugin } from '../../harness/plugin.js';
import type { SampleInput, SampleOutcome } from '../../harness/types.js';
import { argmaxRows } from '../../harness/engine/argmax.js';
import { row, stack } from '../shared/batch.js';
import { linfBall, signStep, uniformInBall, type Box } from '../shared/linf-ball.js';
import { lossParam } from '../shared/loss-param.js';

const params = z
  .object({
    epsilon: z.number().positive().default(0.1),
    steps: z.number().int().nonnegative().default(40),
    step_size: z.number().positive().default(0.01),
    restarts: z.number().int().positive().default(1),
    random_start: z.boolean().default(true),
    loss: lossParam,
  })
  .strict();

export type PgdParams = z.infer<typeof params>;

interface Attempt {
  sample: SampleInput;
  box: Box;
  /** the current point, owned by the attempt */
  x: Float32Array;
  /** gradient steps taken over all restarts so far */
  steps: number;
}

export const pgd = definePlugin<PgdParams>({
  id: 'pgd',
  summary: 'Projected gradient descent (Madry et al.): L∞ sign-gradient steps from a random start, with restarts',
  kind: 'attack',
  params,
  needs: ['gradients'],
  // large chunks: one gradient call per step serves the whole chunk (measured: 500 vs 100 about 2× images/s on 2 workers)
  chunkSize: () => 500,
  threat: (p) => ({ norm: 'linf', budget: p.epsilon }),
  async *run({ model, samples, params: p, signal }): AsyncGenerator<SampleOutcome> {
    const size = model.inputSize;
    let active: Attempt[] = samples.map((sample) => ({ sample, box: linfBall(sample.x, p.epsilon), x: sample.x, steps: 0 }));
    // Without a random start every restart would retrace the first one exactly.
    const restarts = p.random_start ? p.restarts : 1;
    for (let restart = 1; restart <= restarts && active.length > 0; restart++) {
      for (const a of active) {
        // a copy of its own either way: the steps below move it in place
        a.x = p.random_start ? uniformInBall(a.sample.x, p.epsilon, a.box, () => a.sample.rng.next()) : a.sample.x.slice();
      }
      for (let step = 0; active.length > 0; step++) {
        if (signal.aborted) {
          for (const a of active) yield timeout(a, restart);
          return;
        }
        const batch = stack(active.map((a) => a.x), size);
        // The gradient call's own forward pass says where each input stands; only the point reached
        // after the last step needs a forward pass of its own.
        const last = step === p.steps;
        const labels = Int32Array.from(active, (a) => a.sample.label);
        const gradient = last ? undefined : await model.inputGradient(batch, { kind: p.loss, labels });
        const predictions = gradient === undefined ? await model.classify(batch) : argmaxRows(gradient.logits, model.numClasses);
        const standing: { attempt: Attempt; row: number }[] = [];
        for (let n = 0; n < active.length; n++) {
          const a = active[n];
          if (predictions[n] !== a.sample.label) {
            const details = { prediction: predictions[n], steps: a.steps, restart };
            yield { status: 'adversarial', index: a.sample.index, adversarial: a.x, details };
          } else {
            standing.push({ attempt: a, row: n });
          }
        }
        active = standing.map((s) => s.attempt);
        if (gradient === undefined) break;
        for (const { attempt: a, row: n } of standing) {
          // in place: a point already yielded as adversarial has left `active` and is never stepped again
          signStep(a.x, row(gradient.gradient, n, size), p.step_size, a.box, a.x);
          a.steps++;
        }
      }
    }
    for (const a of active) yield { status: 'not_found', index: a.sample.index, details: { steps: a.steps, restarts } };
  },
});

function timeout(a: Attempt, restart: number): SampleOutcome {
  return { status: 'timeout', index: a.sample.index, message: `aborted after ${a.steps} steps`, details: { steps: a.steps, restart } };
}
