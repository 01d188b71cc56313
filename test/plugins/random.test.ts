import { describe, expect, it } from '@jest/globals';
import { random } from '../../attacks/random/index.js';
import { validateClaims } from '../../harness/validate.js';
import { runPlugin, type LabelledSample } from '../conformance/run-plugin.js';
import { linearModel } from '../helpers/linear-model.js';
import { linearProblem } from './linear-problems.js';

describe('random', () => {
  it('parses defaults, rejects unknown keys, needs nothing but classify', () => {
    expect(random.params.parse({})).toEqual({ epsilon: 0.1, trials: 100 });
    expect(() => random.params.parse({ trails: 10 })).toThrow(/trails/);
    expect(() => random.params.parse({ trials: 0 })).toThrow();
    expect(random.needs).toEqual([]);
    expect(random.threat(random.params.parse({}))).toEqual({ norm: 'linf', budget: 0.1 });
  });

  it('finds an adversarial when nearly half the ball is one', async () => {
    // class 1 iff x > 0.5; from 0.49 with ε = 0.1 a draw lands above 0.5 with probability 0.45,
    // so 100 trials all miss with probability 0.55^100 ≈ 1e-26
    const m = linearModel({ weights: [[0], [1]], bias: [0.5, 0] });
    const sample: LabelledSample = { index: 0, x: Float32Array.from([0.49]), label: 0 };
    const [outcome] = await runPlugin({ plugin: random, model: m, samples: [sample], params: random.params.parse({}) });
    expect(outcome.status).toBe('adversarial');
    if (outcome.status !== 'adversarial') return;
    expect(outcome.adversarial[0]).toBeGreaterThan(0.5);
    expect(outcome.adversarial[0]).toBeLessThanOrEqual(Math.fround(0.59));
    expect(outcome.details).toEqual({ prediction: 1, trial: m.calls.classify.length });
    expect(m.calls.gradient).toEqual([]);
  });

  it('claims nothing where nothing exists and spends exactly `trials` batched calls on it', async () => {
    const epsilon = 0.1;
    const problem = linearProblem({ seed: 5, classes: 3, features: 4, count: 60, epsilon });
    const robust = problem.samples.filter((s) => (problem.bestMargin.get(s.index) ?? 1) < 0);
    expect(robust.length).toBeGreaterThan(10);
    const outcomes = await runPlugin({ plugin: random, model: problem.model, samples: robust, params: random.params.parse({ epsilon, trials: 30 }) });
    expect(outcomes).toEqual(robust.map((s) => ({ status: 'not_found', index: s.index, details: { trials: 30 } })));
    expect(problem.model.calls.classify).toEqual(new Array(30).fill(robust.length));
  });

  it('draws inside the ε-ball ∩ [0, 1], and every claim validates', async () => {
    const epsilon = 0.3;
    const problem = linearProblem({ seed: 6, classes: 4, features: 5, count: 60, epsilon });
    const params = random.params.parse({ epsilon, trials: 50 });
    const outcomes = await runPlugin({ plugin: random, model: problem.model, samples: problem.samples, params });
    const byIndex = new Map(problem.samples.map((s) => [s.index, s]));
    const found = outcomes.flatMap((o) => (o.status === 'adversarial' ? [o] : []));
    expect(found.length).toBeGreaterThan(5);
    for (const o of found) expect(problem.bestMargin.get(o.index)).toBeGreaterThan(0);
    const claims = found.map((o) => ({ original: byIndex.get(o.index)!.x, adversarial: o.adversarial, label: byIndex.get(o.index)!.label }));
    const verdicts = await validateClaims(problem.model, claims, random.threat(params));
    expect(verdicts.filter((v) => !v.valid)).toEqual([]);
  });

  it('reports unfinished samples as timeouts when aborted between trials', async () => {
    const m = linearModel({ weights: [[0], [1]], bias: [2, 0] });
    const controller = new AbortController();
    let calls = 0;
    const aborting = { ...m, classify: async (x: Float32Array) => { if (++calls === 3) controller.abort(); return m.classify(x); } };
    const samples = [0, 1].map((index): LabelledSample => ({ index, x: Float32Array.from([0.5]), label: 0 }));
    const outcomes = await runPlugin({ plugin: random, model: aborting, samples, params: random.params.parse({}), signal: controller.signal });
    expect(outcomes).toEqual(samples.map((s) => ({ status: 'timeout', index: s.index, message: 'aborted after 3 trials', details: { trials: 3 } })));
  });
});
