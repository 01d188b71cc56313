// DLFuzz: its neuron-selection strategies on hand-made coverage counts, then end to end on the zoo's
// LeNet-1 with each criterion: claims validate, runs repeat exactly, and the search raises coverage.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { dlfuzz } from '../../attacks/dlfuzz/index.js';
import { itemsByNeuron, selectTargets, topWeightNeurons, type SelectionContext } from '../../attacks/dlfuzz/neuron-selection.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { loadModel } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';
import type { ModelHandle, NeuronLayer, SampleOutcome } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';
import { createCriterion } from '../../metrics/coverage/criteria.js';
import type { CriterionSpec } from '../../metrics/coverage/criterion.js';
import { NeuronLayout } from '../../metrics/coverage/neuron-layout.js';
import { CoverageTracker } from '../../metrics/coverage/tracker.js';
import { byIndex, correctlyClassified, runPlugin, type LabelledSample } from '../conformance/run-plugin.js';

// Layer A: 3 neurons (0, 1, 2), layer B: 2 neurons (3, 4); the mutant's values A = [0, 0.5, 1], B = [-1, 3].
const layout = new NeuronLayout([3, 2]);
const acts = [Float32Array.from([0, 0.5, 1]), Float32Array.from([-1, 3])];
const bounds = { low: new Float32Array(5), high: Float32Array.from([1, 1, 1, 1, 2]) };
const layer = (name: string, weightMeans: number[]): NeuronLayer => ({ name, className: 'Dense', units: weightMeans.length, weightMeans });

function context(spec: CriterionSpec, times: number[], topWeight: number[] = []): SelectionContext {
  const criterion = createCriterion(spec, layout, bounds);
  const tracker = new CoverageTracker(criterion);
  times.forEach((t, item) => {
    for (let k = 0; k < t; k++) tracker.add([item]);
  });
  return { criterion, tracker, acts, rng: createRng('selection'), topWeight, itemsOfNeuron: itemsByNeuron(criterion, layout.total) };
}

describe('neuron selection', () => {
  const nc = { name: 'nc', threshold: 0.5 } as const;

  it('ranks neurons by positive mean incoming weight and keeps the top 10%, rounded up', () => {
    expect(topWeightNeurons([layer('a', [0.3, -0.1, 0.5]), layer('b', [0.2, 0])])).toEqual([2]);
    const twelve = [layer('a', [0.1, 0.9, -1, 0.4, 0.3, 0.2]), layer('b', [0.8, 0, 0, 0, 0, 0.05])];
    expect(topWeightNeurons(twelve)).toEqual([1, 6]);
  });

  it('near-threshold: the uncovered items nearest to being covered', () => {
    // NC(0.5) scaled values: A [0, 0.5, 1], B [0, 1]; items 2 and 4 are covered
    expect(selectTargets('near-threshold', 2, context(nc, [0, 0, 1, 0, 1]))).toEqual([1, 0]);
  });

  it('covered-often draws only items hit before; covered-rarely never the most hit', () => {
    const often = selectTargets('covered-often', 3, context(nc, [0, 0, 3, 0, 1]));
    expect([...often].sort()).toEqual([2, 4]);
    const rarely = selectTargets('covered-rarely', 4, context(nc, [0, 0, 3, 0, 1]));
    expect([...rarely].sort()).toEqual([0, 1, 3, 4]);
    expect(selectTargets('covered-often', 2, context(nc, [0, 0, 0, 0, 0])).every((item) => item >= 0 && item < 5)).toBe(true);
  });

  it('top-weight steers each chosen neuron to its nearest uncovered item', () => {
    // KMNC, 2 sections: neuron 1 (A1 = 0.5) has items 2 ([0, 0.5)) and 3 ([0.5, 1]); 3 is covered
    expect(selectTargets('top-weight', 1, context({ name: 'kmnc', sections: 2 }, [0, 0, 0, 1], [1]))).toEqual([2]);
    // neuron 4 (B1 = 3 in [0, 2]): item 9 ([1, 2]) is nearer than item 8 ([0, 1))
    expect(selectTargets('top-weight', 1, context({ name: 'kmnc', sections: 2 }, [], [4]))).toEqual([9]);
  });
});

describe('dlfuzz on LeNet-1', () => {
  let model: ModelHandle;
  let seeds: LabelledSample[];

  beforeAll(async () => {
    await selectBackend('auto');
    model = await loadModel('mnist-lenet1');
    const mnist = await loadDataset('mnist', 'test');
    seeds = (await correctlyClassified(model, Array.from({ length: 12 }, (_, index) => ({ index, x: mnist.sample(index), label: mnist.labels[index] })))).slice(0, 10);
  });

  const run = async (params: Record<string, unknown>): Promise<SampleOutcome[]> =>
    byIndex(await runPlugin({ plugin: dlfuzz, model, samples: seeds, params: dlfuzz.params.parse(params), seed: 5 }));

  it('declares what it is and parses its defaults', () => {
    expect(dlfuzz.kind).toBe('testgen');
    expect(dlfuzz.needs).toEqual(['gradients']);
    expect(dlfuzz.params.parse({})).toMatchObject({ coverage: 'nc', threshold: 0.5, strategy: 'top-weight', neurons: 5, iterations: 5, step: 0.02 });
  });

  // The boundary criteria's corners lie beyond the training range: at the default step and weights the
  // logits dominate the objective and no corner is reached, so their runs steer harder.
  const boundary = { strategy: 'near-threshold', step: 0.1, weight_neurons: 50 };
  it.each([
    ['nc', { strategy: 'covered-rarely' }],
    ['kmnc', { strategy: 'near-threshold' }],
    ['tknc', { strategy: 'covered-rarely' }],
    ['nbc', boundary],
    ['snac', boundary],
  ])('with %s: validated adversarials, coverage raised by the search, the same twice', async (criterion, settings) => {
    const params = { coverage: criterion, ...settings };
    const outcomes = await run(params);
    expect(outcomes.map((o) => o.index)).toEqual(seeds.map((s) => s.index));
    const found = outcomes.flatMap((o) => (o.status === 'adversarial' ? [o] : []));
    expect(found.length).toBeGreaterThan(0);
    const original = (index: number) => seeds.find((s) => s.index === index) as LabelledSample;
    const verdicts = await validateClaims(model, found.map((o) => ({ original: original(o.index).x, adversarial: o.adversarial, label: original(o.index).label })), dlfuzz.threat({}));
    expect(verdicts.every((v) => v.valid)).toBe(true);
    for (const o of outcomes) expect(o.details?.coverage_search as number).toBeGreaterThanOrEqual(o.details?.coverage_seed as number);
    expect(outcomes.some((o) => (o.details?.coverage_search as number) > (o.details?.coverage_seed as number))).toBe(true);
    expect(await run(params)).toEqual(outcomes);
  });

  it('mutates queued mutants further, up to max_mutants per seed', async () => {
    const outcomes = await run({ requeue_below: 1e9, max_mutants: 3, step: 0.002 });
    const mutants = outcomes.map((o) => o.details?.mutants as number);
    expect(Math.max(...mutants)).toBeGreaterThan(1);
    expect(Math.max(...mutants)).toBeLessThanOrEqual(3);
    for (const o of outcomes) if (o.status === 'not_found') expect(o.details?.iterations).toBe(5 * (o.details?.mutants as number));
  });
});
