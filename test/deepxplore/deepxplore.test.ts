// DeepXplore: its transformations on hand-made gradients, then end to end on the zoo's LeNet-1/4/5
// and MNIST test seeds: every claim validates, runs repeat exactly, and the inputs raise coverage.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { deepxplore } from '../../attacks/deepxplore/index.js';
import { rmsNormalized, stepClipped } from '../../attacks/deepxplore/normalize.js';
import { heaviestWindow } from '../../attacks/deepxplore/occlusion-window.js';
import { constrained, type TransformationSettings } from '../../attacks/deepxplore/transformations.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { loadModel } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';
import type { ModelHandle, SampleOutcome } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';
import { coverageOf } from '../../metrics/coverage/coverage-of.js';
import { runPlugin } from '../conformance/run-plugin.js';
import { linearModel } from '../helpers/linear-model.js';

const settings = (transformation: TransformationSettings['transformation']): TransformationSettings => ({
  transformation,
  occlusion_row: 1,
  occlusion_col: 2,
  occlusion_size: 2,
  blackout_size: 2,
});

describe('transformations', () => {
  // a 4×4 single-channel gradient, 0.1·(index − 8): negative on the top half
  const gradient = Float32Array.from({ length: 16 }, (_, i) => 0.1 * (i - 8));

  it('light moves every pixel by the mean', () => {
    const out = constrained(gradient, [4, 4, 1], settings('light'), createRng('t'));
    for (const v of out) expect(v).toBeCloseTo(-0.05, 6);
  });

  it('occlusion keeps the gradient inside its rectangle only', () => {
    const out = constrained(gradient, [4, 4, 1], settings('occlusion'), createRng('t'));
    const kept = Array.from(out.keys()).filter((i) => out[i] !== 0);
    expect(kept).toEqual([6, 7, 10, 11]); // rows 1–2, columns 2–3
    for (const i of kept) expect(out[i]).toBe(gradient[i]);
  });

  it('blackout darkens a whole random patch where the gradient points darker, and nothing elsewhere', () => {
    let darkened = 0;
    for (let seed = 0; seed < 20; seed++) {
      const out = constrained(gradient, [4, 4, 1], settings('blackout'), createRng('blackout', seed));
      const patch = Array.from(out.keys()).filter((i) => out[i] !== 0);
      expect(patch.every((i) => out[i] === -1)).toBe(true);
      if (patch.length === 0) continue;
      darkened++;
      expect(patch.length).toBe(4);
      const mean = patch.reduce((s, i) => s + gradient[i], 0) / 4;
      expect(mean).toBeLessThan(0);
    }
    expect(darkened).toBeGreaterThan(0);
  });

  it('finds the window with the most |gradient|, channels summed, clamped to the image', () => {
    // 6×6×2: the mass sits in rows 3–4, columns 2–3 (of either sign, on either channel)
    const g = new Float32Array(72).fill(1 / 64); // dyadic values: the equal windows of side 3 tie exactly
    for (const [r, c, k, v] of [[3, 2, 0, -1], [3, 3, 1, 1], [4, 2, 1, -0.5], [4, 3, 0, 0.5]]) g[(r * 6 + c) * 2 + k] = v;
    expect(heaviestWindow(g, [6, 6, 2], 2)).toEqual({ row: 3, col: 2 });
    expect(heaviestWindow(g, [6, 6, 2], 3)).toEqual({ row: 2, col: 1 });
    expect(heaviestWindow(g, [6, 6, 2], 10)).toEqual({ row: 0, col: 0 });
    expect(heaviestWindow(new Float32Array(72), [6, 6, 2], 2)).toEqual({ row: 0, col: 0 });
  });

  it('normalises by the RMS and clips each step to [0, 1]', () => {
    const g = rmsNormalized(Float32Array.from([3, -4]));
    expect(Math.sqrt((g[0] ** 2 + g[1] ** 2) / 2)).toBeCloseTo(1, 4);
    expect(Array.from(stepClipped(Float32Array.from([0.5, 0.5, 0.9]), Float32Array.from([1, -1, 1]), 0.7))).toEqual([1, 0, 1]);
  });
});

describe('occlusion placed by the gradient', () => {
  // 6×6 inputs at 0.5. The attacked model's class 0 weighs rows 3–4, columns 2–3 by 1 and every other
  // pixel by 0.1, so the joint gradient −∇z₀[0] has its mass in that window; the other model's label
  // is fixed by its bias. Darkening that window flips the attacked model; darkening the corner does not.
  const WINDOW = [20, 21, 26, 27];
  const w0 = Array.from({ length: 36 }, (_, i) => (WINDOW.includes(i) ? 1 : 0.1));
  const models = [
    linearModel({ name: 'attacked', weights: [w0, new Array<number>(36).fill(0)], bias: [0, 3], inputShape: [6, 6, 1] }),
    linearModel({ name: 'other', weights: [new Array<number>(36).fill(0), new Array<number>(36).fill(0)], bias: [1, 0], inputShape: [6, 6, 1] }),
  ];
  const seed = { index: 0, x: new Float32Array(36).fill(0.5), label: 0 };

  async function run(params: Record<string, unknown>): Promise<SampleOutcome> {
    const outcomes = await runPlugin({
      plugin: deepxplore,
      model: models[0],
      extraModels: models.slice(1),
      samples: [seed],
      params: deepxplore.params.parse({ transformation: 'occlusion', occlusion_size: 2, weight_nc: 0, iterations: 3, ...params }),
    });
    expect(outcomes).toHaveLength(1);
    return outcomes[0];
  }

  it('lands the square on the window with the gradient mass, and only there', async () => {
    const outcome = await run({ occlusion_position: 'gradient' });
    expect(outcome).toMatchObject({ status: 'adversarial', details: { iterations: 1, occlusion_at: [3, 2], predictions: [1, 0] } });
    if (outcome.status !== 'adversarial') return;
    const changed = Array.from(outcome.adversarial.keys()).filter((i) => outcome.adversarial[i] !== 0.5);
    expect(changed).toEqual(WINDOW);
    for (const i of changed) expect(outcome.adversarial[i]).toBe(0);
  });

  it('keeps the released code\'s fixed square by default', async () => {
    expect(deepxplore.params.parse({})).toMatchObject({ occlusion_position: 'fixed' });
    expect(await run({})).toMatchObject({ status: 'not_found', details: { iterations: 3, occlusion_at: [0, 0] } });
    expect(await run({ occlusion_row: 3, occlusion_col: 2 })).toMatchObject({ status: 'adversarial', details: { occlusion_at: [3, 2] } });
  });
});

describe('deepxplore on LeNet-1 (attacked), LeNet-4 and LeNet-5', () => {
  const SEEDS = 12;
  let models: ModelHandle[];
  let seeds: { index: number; x: Float32Array; label: number }[];

  beforeAll(async () => {
    await selectBackend('auto');
    models = await Promise.all(['mnist-lenet1', 'mnist-lenet4', 'mnist-lenet5'].map((name) => loadModel(name)));
    const mnist = await loadDataset('mnist', 'test');
    const all = Array.from({ length: 20 }, (_, index) => ({ index, x: mnist.sample(index), label: mnist.labels[index] }));
    const predictions = await models[0].classify(Float32Array.from(all.flatMap((s) => Array.from(s.x))));
    seeds = all.filter((s, n) => predictions[n] === s.label).slice(0, SEEDS);
  });

  async function run(params: Record<string, unknown>, signal = new AbortController().signal): Promise<SampleOutcome[]> {
    // seed 3: each sample's rng is createRng(3, 'deepxplore', index), as a run with seed 3 gives it
    const outcomes = await runPlugin({ plugin: deepxplore, model: models[0], extraModels: models.slice(1), samples: seeds, params: deepxplore.params.parse(params), signal, seed: 3 });
    return outcomes.sort((a, b) => a.index - b.index);
  }

  it('declares what it is and parses its defaults', () => {
    expect(deepxplore.kind).toBe('testgen');
    expect(deepxplore.needs).toEqual(['gradients', 'several-models']);
    expect(deepxplore.threat(deepxplore.params.parse({}))).toEqual({ norm: 'unbounded' });
    expect(deepxplore.params.parse({})).toMatchObject({ coverage: 'nc', threshold: 0, weight_diff: 1, weight_nc: 0.1, step: 10, iterations: 50 });
  });

  // NC at DeepXplore's threshold 0 is full on LeNet-1's 26 neurons with the seeds alone: use 0.75.
  it.each(['nc', 'snac'] as const)('finds validated difference-inducing inputs that raise %s coverage, the same twice', async (criterion) => {
    const params = { coverage: criterion, threshold: 0.75, transformation: 'light' };
    const outcomes = await run(params);
    expect(outcomes.map((o) => o.index)).toEqual(seeds.map((s) => s.index));
    const found = outcomes.flatMap((o) => (o.status === 'adversarial' ? [o] : []));
    expect(found.length).toBeGreaterThanOrEqual(SEEDS / 2);
    const original = (index: number) => seeds.find((s) => s.index === index) as (typeof seeds)[number];
    const verdicts = await validateClaims(models[0], found.map((o) => ({ original: original(o.index).x, adversarial: o.adversarial, label: original(o.index).label })), { norm: 'unbounded' });
    expect(verdicts.every((v) => v.valid)).toBe(true);
    for (const o of found) expect((o.details?.predictions as number[])[0]).not.toBe(original(o.index).label);

    const spec = criterion === 'nc' ? ({ name: 'nc', threshold: 0.75 } as const) : ({ name: 'snac' } as const);
    const seedInputs = Float32Array.from(seeds.flatMap((s) => Array.from(s.x)));
    const before = await coverageOf(models[0], seedInputs, spec);
    const after = await coverageOf(models[0], Float32Array.from([...seedInputs, ...found.flatMap((o) => Array.from(o.adversarial))]), spec);
    expect(after.covered).toBeGreaterThan(before.covered);
    // the records' own accounting, which the leaderboard reads, agrees with coverageOf
    const records = outcomes.map((o) => ({ index: o.index, label: 0, status: o.status, adversarial_prediction: null, target: null, distances: null, time_ms: 10, cost: { forward: 0, gradient: 0, solver_calls: 0 }, claims: [], details: o.details ?? {} }));
    expect(deepxplore.leaderboard(records, {})).toMatchObject({
      coverage_criterion: criterion === 'nc' ? 'nc(t=0.75)' : 'snac',
      coverage_before: Number((before.covered / before.items).toFixed(4)),
      coverage_after: Number((after.covered / after.items).toFixed(4)),
      time_per_adversarial_s: Number(((outcomes.length * 0.01) / found.length).toFixed(4)),
    });

    expect(await run(params)).toEqual(outcomes);
  });

  it('answers every seed with a timeout once aborted', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const outcomes = await run({ coverage: 'kmnc', transformation: 'blackout' }, aborted.signal);
    expect(outcomes).toHaveLength(seeds.length);
    expect(outcomes.every((o) => o.status === 'timeout' || (o.status === 'not_found' && o.details?.already_differ === true))).toBe(true);
  });
});
