// The chunk's artifacts, with known answers on the hand-built linear classifier of upper-bound.test.ts:
// the anytime curve after stage 1, and the stage-1 sensitivity map as an image.
import { describe, expect, it } from '@jest/globals';
import { l0tre } from '../../attacks/l0tre/index.js';
import { createRng } from '../../harness/rng.js';
import type { Artifact, AttackContext, SampleOutcome } from '../../harness/types.js';
import { linearModel } from '../helpers/linear-model.js';

// z0 = 12 + 8·x0 − 8·x1 − 2·x2 − 2·x3 on six pixels at 0.5: the worst single changes drop z0 by
// 4, 4, 1, 1, 0, 0; no single change flips the label, two do (R = 2, found at stage 1).
const model = linearModel({
  weights: [
    [8, -8, -2, -2, 0, 0],
    [0, 0, 11, 11, 0, 0],
    [0, 0, 0, 0, 0, 0],
  ],
  bias: [12, -11, -100],
});

describe('l0tre artifacts', () => {
  it('writes the anytime curve and a sensitivity map per sample when images are asked for', async () => {
    const artifacts: Artifact[] = [];
    const ctx: AttackContext<unknown> = {
      params: l0tre.params.parse({}),
      model,
      models: [model],
      samples: [{ index: 7, x: new Float32Array(6).fill(0.5), label: 0, prediction: 0, rng: createRng('artifacts-test') }],
      dataset: { name: 'test', inputShape: [6], numClasses: 3 },
      solverCalls: { add: () => undefined },
      signal: new AbortController().signal,
      images: true,
      artifact: (a) => void artifacts.push(a),
      log: () => undefined,
    };
    const outcomes: SampleOutcome[] = [];
    for await (const o of l0tre.run(ctx)) outcomes.push(o);
    expect(outcomes.map((o) => o.status)).toEqual(['adversarial']);
    const byName = new Map(artifacts.map((a) => [a.name, a]));
    expect([...byName.keys()].sort()).toEqual(['anytime.csv', 'anytime.png', 'saliency-7.png']);
    expect(byName.get('anytime.csv')).toMatchObject({
      kind: 'csv',
      rows: [{ t: 1, samples: 1, converged: 1, bounded: 1, lower: 2, upper: 2, estimate: 2, radius: 0 }],
    });
    expect(byName.get('saliency-7.png')).toMatchObject({ kind: 'png', width: 6, height: 1, channels: 1, pixels: Uint8Array.of(255, 255, 64, 64, 0, 0) });
    expect(byName.get('anytime.png')).toMatchObject({ kind: 'png', channels: 3 });
  });
});
