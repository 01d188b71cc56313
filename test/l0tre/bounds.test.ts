// L0-TRE's bounds against exhaustive search: on small networks every 1- and 2-pixel change onto the
// grid is classified independently, which pins R (or R > 2) for every sample; the plugin's lower and
// upper bounds at t_max = 2 must match it exactly, and every upper-bound example must validate.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { l0tre } from '../../attacks/l0tre/index.js';
import { selectBackend } from '../../harness/engine/backend.js';
import type { ModelHandle, SampleOutcome } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';
import { byIndex, runPlugin, type LabelledSample } from '../conformance/run-plugin.js';
import { smallestFlip } from './exhaustive.js';
import { tinyCnn, tinyImages, tinyMlp } from './tiny-nets.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

interface StageDetails {
  t: number;
  lower: number;
  upper: number | null;
}

function detailsOf(o: SampleOutcome): { lower: number; upper: number | null; converged: boolean; stages: StageDetails[] } {
  return o.details as unknown as { lower: number; upper: number | null; converged: boolean; stages: StageDetails[] };
}

async function checkAgainstExhaustive(model: ModelHandle, samples: LabelledSample[], grid: number[], evaluator: string): Promise<Map<number, number>> {
  const params = l0tre.params.parse({ t_max: 2, grid: grid.length, evaluator, batch_size: 512 });
  const outcomes = byIndex(await runPlugin({ plugin: l0tre, model, samples, params }));
  const truths = new Map<number, number>();
  for (const [k, o] of outcomes.entries()) {
    const sample = samples[k];
    const truth = await smallestFlip(model, sample, grid);
    truths.set(sample.index, truth);
    const d = detailsOf(o);
    expect({ index: sample.index, lower: d.lower }).toEqual({ index: sample.index, lower: truth });
    const claimed = o.claims ?? [];
    if (truth >= 2) {
      expect(claimed).toEqual([{ kind: 'lower_bound', norm: 'l0', value: truth, strict: false, condition: expect.stringContaining(`grid {${grid.join(', ')}}`) }]);
    } else {
      expect(claimed).toEqual([]);
    }
    // anytime: lower bounds only rise and upper bounds only fall, stage after stage
    for (let s = 1; s < d.stages.length; s++) {
      expect(d.stages[s].lower).toBeGreaterThanOrEqual(d.stages[s - 1].lower);
      if (d.stages[s - 1].upper !== null) expect(d.stages[s].upper).toBeLessThanOrEqual(d.stages[s - 1].upper as number);
    }
    if (truth <= 2) {
      expect(o.status).toBe('adversarial');
      expect(d.upper).toBe(truth);
      expect(d.converged).toBe(true);
    }
    if (o.status === 'adversarial') {
      const [verdict] = await validateClaims(model, [{ original: sample.x, adversarial: o.adversarial, label: sample.label }], l0tre.threat(params));
      expect({ index: sample.index, verdict, details: o.details }).toMatchObject({ verdict: { valid: true } });
      if (verdict.valid) {
        expect(verdict.distances.l0).toBe(d.upper);
        expect(verdict.distances.l0).toBeGreaterThanOrEqual(d.lower);
        for (let i = 0; i < sample.x.length; i++) {
          if (o.adversarial[i] !== sample.x[i]) expect(grid).toContain(o.adversarial[i]);
        }
      }
    } else {
      expect(d.upper).toBeNull();
    }
  }
  return truths;
}

/** The test means something only when all three answers occur. */
function expectEveryAnswer(truths: Map<number, number>): void {
  expect(new Set(truths.values())).toEqual(new Set([1, 2, 3]));
}

describe('l0tre bounds agree with exhaustive 1- and 2-pixel grid search', () => {
  it.each(['model', 'receptive-field'])('on a tiny CNN with max pooling (%s evaluator)', async (evaluator) => {
    const model = tinyCnn(40);
    expectEveryAnswer(await checkAgainstExhaustive(model, await tinyImages(model, 30, 1), [0, 1], evaluator));
  });

  it.each(['model', 'receptive-field'])('on a tiny MLP, grid {0, 0.5, 1} (%s evaluator)', async (evaluator) => {
    const model = tinyMlp(60);
    expectEveryAnswer(await checkAgainstExhaustive(model, await tinyImages(model, 30, 2), [0, 0.5, 1], evaluator));
  });
});

describe('l0tre anytime budget', () => {
  it('keeps the upper bounds of a finished stage when the budget runs out before the next', async () => {
    const model = tinyCnn(40);
    const samples = await tinyImages(model, 30, 1);
    const full = byIndex(await runPlugin({ plugin: l0tre, model, samples, params: l0tre.params.parse({ t_max: 1 }) }));
    // one batch holds the whole stage-1 scan; the budget is spent by the time it returns
    const cut = byIndex(await runPlugin({ plugin: l0tre, model, samples, params: l0tre.params.parse({ t_max: 2, time_budget_s: 1e-9 }) }));
    let stopped = 0;
    for (const [k, o] of cut.entries()) {
      const d = o.details as { stages: unknown[]; stopped: string | null; converged: boolean };
      expect(o.status).toBe(full[k].status);
      expect(d.stages).toEqual((full[k].details as { stages: unknown[] }).stages);
      expect(d.stopped).toBe(d.converged ? null : 'budget');
      if (d.stopped !== null) stopped++;
    }
    expect(stopped).toBeGreaterThan(0);
  });
});
