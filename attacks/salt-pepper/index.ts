// Black-box L0 baseline (as in Foolbox's salt-and-pepper attack): set randomly chosen pixels to
// black or white one at a time until the label flips. The L0 counterpart of `random`.
import { z } from 'zod';
import { definePlugin } from '../../harness/plugin.js';
import type { SampleInput, SampleOutcome } from '../../harness/types.js';
import { stack } from '../shared/batch.js';

const params = z
  .object({
    max_pixels: z.number().int().positive().default(40),
    trials: z.number().int().positive().default(5),
  })
  .strict();

export type SaltPepperParams = z.infer<typeof params>;

interface Search {
  sample: SampleInput;
  trial: number;
  candidate: Float32Array;
  /** the pixels in the order this trial changes them */
  order: Int32Array;
  changed: number;
}

function shuffledPixels(size: number, next: () => number): Int32Array {
  const order = Int32Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function startTrial(sample: SampleInput, trial: number): Search {
  return { sample, trial, candidate: sample.x.slice(), order: shuffledPixels(sample.x.length, () => sample.rng.next()), changed: 0 };
}

export const saltPepper = definePlugin<SaltPepperParams>({
  id: 'salt-pepper',
  summary: 'Random pixels set to 0 or 1, one more per step, up to max_pixels, restarted `trials` times (classify only)',
  kind: 'attack',
  params,
  needs: [],
  chunkSize: () => 100,
  threat: (p) => ({ norm: 'l0', budget: p.max_pixels }),
  async *run({ model, samples, params: p, signal }): AsyncGenerator<SampleOutcome> {
    let active = samples.map((sample) => startTrial(sample, 1));
    while (active.length > 0) {
      if (signal.aborted) {
        for (const s of active) yield { status: 'timeout', index: s.sample.index, message: `aborted in trial ${s.trial}` };
        return;
      }
      for (const s of active) {
        const pixel = s.order[s.changed++];
        s.candidate[pixel] = s.sample.rng.next() < 0.5 ? 0 : 1;
      }
      const predictions = await model.classify(stack(active.map((s) => s.candidate), model.inputSize));
      const next: Search[] = [];
      for (const [n, s] of active.entries()) {
        if (predictions[n] !== s.sample.label) {
          yield { status: 'adversarial', index: s.sample.index, adversarial: s.candidate, details: { trial: s.trial, pixels_set: s.changed } };
        } else if (s.changed < p.max_pixels && s.changed < s.order.length) {
          next.push(s);
        } else if (s.trial < p.trials) {
          next.push(startTrial(s.sample, s.trial + 1));
        } else {
          yield { status: 'not_found', index: s.sample.index, details: { trials: p.trials } };
        }
      }
      active = next;
    }
  },
});
