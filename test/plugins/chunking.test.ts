// Records must not depend on how the runner chunks samples: each sample draws only from its own rng.
import { describe, expect, it } from '@jest/globals';
import { plugins } from '../../attacks/registry.js';
import type { SampleOutcome } from '../../harness/types.js';
import { byIndex, runPlugin } from '../conformance/run-plugin.js';
import { linearProblem } from './linear-problems.js';

const epsilon = 0.15;
const problem = linearProblem({ seed: 7, classes: 4, features: 6, count: 24, epsilon });

describe.each([...plugins.keys()])('%s', (id) => {
  const plugin = plugins.get(id)!;
  // L∞ plugins get the problem's ε; others (e.g. salt-pepper, L0) their defaults
  const withEpsilon = plugin.params.safeParse({ epsilon });
  const params = withEpsilon.success ? withEpsilon.data : plugin.params.parse({});

  it('gives identical outcomes in chunks of 1, of 5 and in one chunk', async () => {
    const run = (chunkSize: number) => runPlugin({ plugin, model: problem.model, samples: problem.samples, params, chunkSize, seed: 11 });
    const whole = byIndex(await run(problem.samples.length));
    expect(whole.map((o) => o.index)).toEqual(problem.samples.map((s) => s.index));
    expect(whole.some((o) => o.status === 'adversarial')).toBe(true);
    expect(byIndex(await run(1))).toEqual(whole);
    expect(byIndex(await run(5))).toEqual(whole);
  });

  it('answers an empty chunk with nothing, without calling the model', async () => {
    const { model } = linearProblem({ seed: 8, classes: 3, features: 2, count: 0, epsilon });
    const dataset = { name: 'test', inputShape: model.inputShape, numClasses: model.numClasses };
    const outcomes: SampleOutcome[] = [];
    for await (const o of plugin.run({ params, model, models: [model], samples: [], dataset, signal: new AbortController().signal, solverCalls: { add: () => undefined }, offModelForward: { add: () => undefined }, images: false, artifact: () => undefined, log: () => undefined })) outcomes.push(o);
    expect(outcomes).toEqual([]);
    expect(model.calls).toEqual({ predict: [], classify: [], gradient: [] });
  });
});

describe('seeding', () => {
  it('the random plugins draw from the seed: another seed gives other adversarials', async () => {
    for (const id of ['random', 'pgd']) {
      const plugin = plugins.get(id)!;
      // L∞ plugins get the problem's ε; others (e.g. salt-pepper, L0) their defaults
  const withEpsilon = plugin.params.safeParse({ epsilon });
  const params = withEpsilon.success ? withEpsilon.data : plugin.params.parse({});
      const adversarials = async (seed: number) =>
        (await runPlugin({ plugin, model: problem.model, samples: problem.samples, params, seed })).flatMap((o) => (o.status === 'adversarial' ? [Array.from(o.adversarial)] : []));
      const [a, b] = [await adversarials(1), await adversarials(2)];
      expect(a.length).toBeGreaterThan(0);
      expect(a).not.toEqual(b);
    }
  });
});
