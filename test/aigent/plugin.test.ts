// The plugin as the runner sees it: params and presets, every claim passing the harness's own
// validation (float32 re-prediction, box, L∞ ≤ δ), the pixel count it reports being the harness's L0,
// targeted claims, and the leaderboard columns computed from its records.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { aigent } from '../../attacks/aigent/index.js';
import { selectBackend } from '../../harness/engine/backend.js';
import type { ModelHandle, SampleOutcome, SampleRecordView } from '../../harness/types.js';
import { validateClaims, type Verdict } from '../../harness/validate.js';
import { correctlyClassified, runPlugin, type LabelledSample } from '../conformance/run-plugin.js';
import { randomInputs, randomNet } from './networks.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

async function labelled(model: ModelHandle, inputs: Float32Array[]): Promise<LabelledSample[]> {
  const labels = await model.classify(Float32Array.from(inputs.flatMap((x) => Array.from(x))));
  return correctlyClassified(model, inputs.map((x, index) => ({ index, x, label: labels[index] })));
}

async function verdicts(model: ModelHandle, samples: LabelledSample[], outcomes: SampleOutcome[], params: unknown): Promise<{ outcome: SampleOutcome & { status: 'adversarial' }; verdict: Verdict }[]> {
  const claimed = outcomes.filter((o): o is SampleOutcome & { status: 'adversarial' } => o.status === 'adversarial');
  const byIndex = new Map(samples.map((s) => [s.index, s]));
  const checked = await validateClaims(
    model,
    claimed.map((o) => ({ original: (byIndex.get(o.index) as LabelledSample).x, adversarial: o.adversarial, label: (byIndex.get(o.index) as LabelledSample).label, target: o.target })),
    aigent.threat(params),
  );
  return claimed.map((outcome, k) => ({ outcome, verdict: checked[k] }));
}

describe('aigent params', () => {
  it('fill the strict preset by default, take high_defect’s values, and let explicit params override a preset', () => {
    expect(aigent.params.parse({})).toMatchObject({ preset: 'strict', mode: 'patch', delta: 0.66, target: 'second_best', overshoot: 0.1, engine: 'highs' });
    expect(aigent.params.parse({ preset: 'high_defect' })).toMatchObject({ delta: 0.8, target: 'every', overshoot: 0.2 });
    expect(aigent.params.parse({ preset: 'high_defect', delta: 0.3, target: 4 })).toMatchObject({ delta: 0.3, target: 4, overshoot: 0.2 });
    expect(aigent.threat(aigent.params.parse({ delta: 0.3 }))).toEqual({ norm: 'linf', budget: 0.3 });
  });

  it('reject unknown keys and values out of range, and parse their own output again unchanged', () => {
    expect(aigent.params.safeParse({ detla: 0.3 }).success).toBe(false);
    expect(aigent.params.safeParse({ delta: 1.5 }).success).toBe(false);
    expect(aigent.params.safeParse({ target: 'third' }).success).toBe(false);
    const filled = aigent.params.parse({ preset: 'high_defect', max_pixels: 12 });
    expect(aigent.params.parse(filled)).toEqual(filled);
  });
});

describe('aigent on random ReLU networks', () => {
  it('claims only inputs the harness validates, and reports their true pixel count', async () => {
    let claims = 0;
    for (const seed of [11, 12, 13]) {
      const model = randomNet(seed, [12, 8, 8, 8, 8, 4]);
      const samples = await labelled(model, randomInputs(seed, 8, 12));
      for (const raw of [{ delta: 0.5 }, { preset: 'high_defect' }, { relaxation: 'marks', patch_norm: 'l1', delta: 1 }]) {
        const params = aigent.params.parse(raw);
        const outcomes = await runPlugin({ plugin: aigent, model, samples, params });
        expect(outcomes.map((o) => o.status)).not.toContain('error');
        for (const { outcome, verdict } of await verdicts(model, samples, outcomes, params)) {
          claims++;
          expect(verdict).toMatchObject({ valid: true });
          expect(outcome.details?.pixels_changed).toBe(verdict.distances?.l0);
        }
      }
    }
    expect(claims).toBeGreaterThan(20);
  });

  it('with a given target, claims it and the harness sees that class; the predicted class as target is not_found', async () => {
    const model = randomNet(21, [10, 8, 8, 3]);
    const samples = await labelled(model, randomInputs(21, 10, 10));
    const params = aigent.params.parse({ target: 2, delta: 1 });
    const outcomes = await runPlugin({ plugin: aigent, model, samples, params });
    const checked = await verdicts(model, samples, outcomes, params);
    expect(checked.length).toBeGreaterThan(0);
    for (const { outcome, verdict } of checked) {
      expect(outcome.target).toBe(2);
      expect(verdict).toMatchObject({ valid: true, prediction: 2 });
    }
    for (const outcome of outcomes.filter((o) => samples.find((s) => s.index === o.index)?.label === 2)) {
      expect(outcome).toMatchObject({ status: 'not_found', details: { reason: expect.stringMatching(/is the predicted class/) } });
    }
  });

  it('answers a target the model does not have with an error per sample', async () => {
    const model = randomNet(22, [6, 5, 3]);
    const samples = await labelled(model, randomInputs(22, 3, 6));
    const outcomes = await runPlugin({ plugin: aigent, model, samples, params: aigent.params.parse({ target: 7 }) });
    expect(outcomes.map((o) => o.status)).toEqual(samples.map(() => 'error'));
  });

  it('turns records into per-layer patch columns and the paper’s maxima', async () => {
    const model = randomNet(31, [12, 8, 8, 8, 8, 4]);
    const samples = await labelled(model, randomInputs(31, 8, 12));
    const params = aigent.params.parse({ delta: 0.8 });
    const outcomes = await runPlugin({ plugin: aigent, model, samples, params });
    const checked = new Map((await verdicts(model, samples, outcomes, params)).map(({ outcome, verdict }) => [outcome.index, verdict]));
    const records: SampleRecordView[] = outcomes.map((o) => {
      const verdict = checked.get(o.index);
      return {
        index: o.index, label: 0, status: o.status, adversarial_prediction: verdict?.prediction ?? null, target: null,
        distances: verdict?.distances ?? null, time_ms: 1, cost: { forward: 0, gradient: 0, solver_calls: 1 }, claims: [], details: o.details ?? {},
      };
    });
    const columns = aigent.leaderboard(records, params);
    const l0 = [...checked.values()].map((v) => v.distances?.l0 ?? 0);
    expect(l0.length).toBeGreaterThan(0);
    expect(columns.max_l0).toBe(Math.max(...l0));
    // five edge layers: the patches go el3, el2, el1
    expect(Object.keys(columns).filter((k) => k.startsWith('patch_linf_'))).toEqual(['patch_linf_el3', 'patch_linf_el2', 'patch_linf_el1']);
    expect(columns.patch_linf_el3).toBeGreaterThan(0);
  });
});
