import { describe, expect, it } from '@jest/globals';
import { pgd } from '../../attacks/pgd/index.js';
import type { LossSpec, SampleOutcome } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';
import { runPlugin, type LabelledSample } from '../conformance/run-plugin.js';
import { linearModel } from '../helpers/linear-model.js';
import { linearProblem } from './linear-problems.js';

// z1 − z0 = 2·x0 − x1 − b: each sign step of size s towards (+, −) raises the margin by 3s
const model = (bias0: number) => linearModel({ weights: [[0, 0], [2, -1]], bias: [bias0, 0] });
const center: LabelledSample = { index: 0, x: Float32Array.from([0.5, 0.5]), label: 0 };

async function claimsValid(samples: readonly LabelledSample[], outcomes: readonly SampleOutcome[], m: ReturnType<typeof model>, epsilon: number): Promise<number> {
  const byIndex = new Map(samples.map((s) => [s.index, s]));
  const claims = outcomes.flatMap((o) => {
    const s = byIndex.get(o.index);
    return o.status === 'adversarial' && s !== undefined ? [{ original: s.x, adversarial: o.adversarial, label: s.label }] : [];
  });
  const verdicts = await validateClaims(m, claims, { norm: 'linf', budget: epsilon });
  expect(verdicts.filter((v) => !v.valid)).toEqual([]);
  return claims.length;
}

describe('pgd', () => {
  it('parses the Madry defaults and rejects unknown keys', () => {
    expect(pgd.params.parse({})).toEqual({ epsilon: 0.1, steps: 40, step_size: 0.01, restarts: 1, random_start: true, loss: 'cross-entropy' });
    expect(() => pgd.params.parse({ stepsize: 0.01 })).toThrow(/stepsize/);
    expect(() => pgd.params.parse({ restarts: 0 })).toThrow();
    expect(() => pgd.params.parse({ steps: 2.5 })).toThrow();
    expect(pgd.threat(pgd.params.parse({ epsilon: 0.05 }))).toEqual({ norm: 'linf', budget: 0.05 });
  });

  it('stops a sample at the step that makes it adversarial', async () => {
    // margin −0.08 at the start: one step of 0.02 leaves −0.02, the second +0.04
    const m = model(0.58);
    const params = pgd.params.parse({ epsilon: 0.1, step_size: 0.02, random_start: false });
    const [outcome] = await runPlugin({ plugin: pgd, model: m, samples: [center], params });
    expect(outcome.status).toBe('adversarial');
    // two float32 steps of 0.02 from 0.5: (0.54, 0.46) up to rounding
    expect(outcome.status === 'adversarial' && Array.from(outcome.adversarial)).toEqual([expect.closeTo(0.54, 6), expect.closeTo(0.46, 6)]);
    expect(outcome.status === 'adversarial' && outcome.details).toEqual({ prediction: 1, steps: 2, restart: 1 });
    // gradients (whose forward pass also classifies) at the start, after step 1 and after step 2; no separate classify
    expect(m.calls).toEqual({ predict: [], classify: [], gradient: [1, 1, 1] });
  });

  it('leaves the sample\'s own pixels alone, and keeps each yielded point as it was yielded', async () => {
    // two samples: one breaks at step 2, the other (higher bias) keeps stepping to the end
    const samples: LabelledSample[] = [center, { index: 1, x: Float32Array.from([0.5, 0.5]), label: 0 }];
    const before = samples.map((s) => Array.from(s.x));
    const m = linearModel({ weights: [[0, 0], [2, -1]], bias: [0.58, 0] });
    const params = pgd.params.parse({ epsilon: 0.1, step_size: 0.02, steps: 5, random_start: false });
    const outcomes = await runPlugin({ plugin: pgd, model: m, samples: [samples[0]], params });
    const stepped = await runPlugin({ plugin: pgd, model: model(0.9), samples: [samples[1]], params });
    expect(samples.map((s) => Array.from(s.x))).toEqual(before);
    // the adversarial still holds its step-2 point though the attack owned and moved that array in place
    expect(outcomes[0].status === 'adversarial' && Array.from(outcomes[0].adversarial)).toEqual([expect.closeTo(0.54, 6), expect.closeTo(0.46, 6)]);
    expect(stepped[0]).toEqual({ status: 'not_found', index: 1, details: { steps: 5, restarts: 1 } });
  });

  it('cannot go further than steps × step_size from a fixed start', async () => {
    // margin −0.1 needs a move of 0.034 per coordinate; 3 steps of 0.01 reach 0.03 only, 4 steps suffice
    const params = (steps: number) => pgd.params.parse({ epsilon: 0.1, step_size: 0.01, random_start: false, steps });
    const [short] = await runPlugin({ plugin: pgd, model: model(0.6), samples: [center], params: params(3) });
    expect(short).toEqual({ status: 'not_found', index: 0, details: { steps: 3, restarts: 1 } });
    const [enough] = await runPlugin({ plugin: pgd, model: model(0.6), samples: [center], params: params(4) });
    expect(enough.status === 'adversarial' && enough.details).toEqual({ prediction: 1, steps: 4, restart: 1 });
  });

  it('stays in the ε-ball even when steps × step_size is far larger than ε', async () => {
    // margin −0.35 needs ε > 0.35/3; with ε = 0.1 the corner (0.6, 0.4) still loses by 0.05
    const m = model(0.85);
    const params = (epsilon: number) => pgd.params.parse({ epsilon, step_size: 0.05, steps: 20 });
    const [outcome] = await runPlugin({ plugin: pgd, model: m, samples: [center], params: params(0.1) });
    expect(outcome).toEqual({ status: 'not_found', index: 0, details: { steps: 20, restarts: 1 } });
    const [wide] = await runPlugin({ plugin: pgd, model: m, samples: [center], params: params(0.12) });
    expect(wide.status).toBe('adversarial');
    await claimsValid([center], [wide], m, 0.12);
  });

  it('spends steps × restarts on a sample it cannot break, re-drawing the start each time', async () => {
    const m = model(2);
    const seen: Float32Array[] = [];
    const recording = { ...m, inputGradient: async (x: Float32Array, loss: LossSpec) => { seen.push(x.slice()); return m.inputGradient(x, loss); } };
    const params = pgd.params.parse({ steps: 5, restarts: 3 });
    const [outcome] = await runPlugin({ plugin: pgd, model: recording, samples: [center], params });
    expect(outcome).toEqual({ status: 'not_found', index: 0, details: { steps: 15, restarts: 3 } });
    // per restart: a gradient at the start and after each of the first 4 steps, one classify after the 5th
    expect(m.calls.gradient).toEqual(new Array(15).fill(1));
    expect(m.calls.classify).toEqual(new Array(3).fill(1));
    const starts = [seen[0], seen[5], seen[10]].map((x) => Array.from(x));
    expect(new Set(starts.map(String)).size).toBe(3);
    for (const start of starts) for (const v of start) expect(Math.abs(v - 0.5)).toBeLessThanOrEqual(0.1 + 1e-7);
  });

  it('keeps the first adversarial found and runs no further restarts for it', async () => {
    const m = model(0.58);
    const [outcome] = await runPlugin({ plugin: pgd, model: m, samples: [center], params: pgd.params.parse({ restarts: 5 }) });
    expect(outcome.status === 'adversarial' && outcome.details).toMatchObject({ restart: 1 });
    expect(m.calls.gradient.length + m.calls.classify.length).toBeLessThanOrEqual(41);
  });

  it('ignores restarts without a random start (they would retrace the same path)', async () => {
    const m = model(2);
    const [outcome] = await runPlugin({ plugin: pgd, model: m, samples: [center], params: pgd.params.parse({ steps: 5, restarts: 3, random_start: false }) });
    expect(outcome).toEqual({ status: 'not_found', index: 0, details: { steps: 5, restarts: 1 } });
  });

  for (const loss of ['cross-entropy', 'margin'] as const) {
    it(`finds an adversarial whenever one exists in the ε-ball of a two-class linear model (${loss})`, async () => {
      const epsilon = 0.1;
      const problem = linearProblem({ seed: 3, classes: 2, features: 4, count: 120, epsilon });
      const outcomes = await runPlugin({ plugin: pgd, model: problem.model, samples: problem.samples, params: pgd.params.parse({ epsilon, loss }) });
      const found = new Map(outcomes.map((o) => [o.index, o.status === 'adversarial']));
      const exists = new Map(problem.samples.map((s) => [s.index, (problem.bestMargin.get(s.index) ?? -1) > 0]));
      expect(found).toEqual(exists);
      expect([...exists.values()].filter(Boolean).length).toBeGreaterThan(10);
      expect([...exists.values()].filter((e) => !e).length).toBeGreaterThan(10);
      await claimsValid(problem.samples, outcomes, problem.model, epsilon);
    });
  }

  it('on multi-class models claims only what exists, batches the chunk and shrinks the batch as samples finish', async () => {
    const epsilon = 0.15;
    const problem = linearProblem({ seed: 4, classes: 5, features: 6, count: 40, epsilon });
    const outcomes = await runPlugin({ plugin: pgd, model: problem.model, samples: problem.samples, params: pgd.params.parse({ epsilon }) });
    expect(outcomes.map((o) => o.index).sort((a, b) => a - b)).toEqual(problem.samples.map((s) => s.index));
    for (const o of outcomes) {
      if (o.status === 'adversarial') expect(problem.bestMargin.get(o.index)).toBeGreaterThan(0);
    }
    expect(await claimsValid(problem.samples, outcomes, problem.model, epsilon)).toBeGreaterThan(5);
    const sizes = problem.model.calls.gradient;
    expect(problem.model.calls.gradient[0]).toBe(40);
    expect(sizes.every((size, k) => k === 0 || size <= sizes[k - 1])).toBe(true);
    expect(sizes[sizes.length - 1]).toBeLessThan(40);
  });

  it('reports the samples still running as timeouts when aborted mid-way, and the finished ones as found', async () => {
    // sample 0 flips after 2 steps, sample 1 never: abort during the 4th gradient call, after which sample 1 takes its 4th step
    const m = model(0.58);
    const controller = new AbortController();
    const inputGradient = m.inputGradient.bind(m);
    let calls = 0;
    const aborting = { ...m, inputGradient: async (x: Float32Array, loss: LossSpec) => { if (++calls === 4) controller.abort(); return inputGradient(x, loss); } };
    const far: LabelledSample = { index: 1, x: Float32Array.from([0.1, 0.9]), label: 0 };
    const outcomes = await runPlugin({ plugin: pgd, model: aborting, samples: [center, far], params: pgd.params.parse({ step_size: 0.02, random_start: false }), signal: controller.signal });
    expect(outcomes.map((o) => [o.index, o.status])).toEqual([[0, 'adversarial'], [1, 'timeout']]);
    expect(outcomes[1]).toMatchObject({ message: 'aborted after 4 steps', details: { steps: 4, restart: 1 } });
  });
});
