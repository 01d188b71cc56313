// DeepCheck on networks small enough to know every answer: which pixels can flip the label along the
// activation path, which pairs, where ties go, what the importance metrics rank first, how many
// queries the orders take, and that every attack passes the harness's own re-check.
import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { candidateCount, candidates } from '../../attacks/deepcheck/candidates.js';
import { importanceScores, rankPixels, shortlistSize } from '../../attacks/deepcheck/importance.js';
import { deepcheck } from '../../attacks/deepcheck/index.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { loadModel, zooModelNames } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';
import type { Artifact, ModelHandle, SampleOutcome, SampleRecordView } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';
import { runPlugin, type LabelledSample } from '../conformance/run-plugin.js';
import { linearModel } from '../helpers/linear-model.js';
import { recordView } from '../helpers/record-view.js';
import { reluModel } from './relu-model.js';

await tf.setBackend('cpu');

const ZOO = 'mnist-mlp-10-10-10';

async function attack(model: ModelHandle, sample: LabelledSample, params: Record<string, unknown>): Promise<SampleOutcome> {
  const parsed = deepcheck.params.parse(params);
  const [outcome] = await runPlugin({ plugin: deepcheck, model, samples: [sample], params: parsed });
  if (outcome.status === 'adversarial') {
    const [verdict] = await validateClaims(model, [{ original: sample.x, adversarial: outcome.adversarial, label: sample.label, target: outcome.target }], deepcheck.threat(parsed));
    expect(verdict).toMatchObject({ valid: true });
  }
  return outcome;
}

const half = (n: number) => new Float32Array(n).fill(0.5);

describe('ties and pairs (class 1 needs x0 + x1 > 1.5)', () => {
  // y0 = 1.5, y1 = x0 + x1: one white pixel only ties, and a tie goes to the lower class, 0
  const model = linearModel({ weights: [[0, 0, 0, 0], [1, 1, 0, 0]], bias: [1.5, 0] });
  const sample = { index: 0, x: half(4), label: 0 };

  it.each(['exact', 'z3'])('no single pixel flips it, which is claimed along the path (%s)', async (engine) => {
    const outcome = await attack(model, sample, { t: 1, order: 'scan', mode: 'all', engine });
    expect(outcome.status).toBe('not_found');
    expect(outcome.details).toMatchObject({ attackable: [], unattackable: [0, 1, 2, 3], boundary: [], checked: 4, solver_calls: 4 });
    expect(outcome.claims).toEqual([
      { kind: 'lower_bound', norm: 'l0', value: 2, strict: false, condition: "x' keeps the ReLU activation pattern of x (path constraints composed in float64) and changes one input value, among all 4 input values" },
    ]);
  });

  it.each(['exact', 'z3'])('exactly one pair does, with both pixels near white (%s)', async (engine) => {
    const outcome = await attack(model, sample, { t: 2, order: 'scan', mode: 'all', engine });
    expect(outcome.status).toBe('adversarial');
    expect(outcome.details).toMatchObject({ attackable: [[0, 1]], unattackable_count: 5, candidates: 6, candidates_to_first: 1, solver_calls_to_first: 2 });
    if (outcome.status === 'adversarial') expect(outcome.adversarial[0] + outcome.adversarial[1]).toBeGreaterThanOrEqual(1.5 + 1e-3 - 1e-6);
    expect(outcome.claims).toBeUndefined();
  });

  it.each(['exact', 'z3'])('a change that exists only as a tie is neither an attack nor proven absent (%s)', async (engine) => {
    // the mirror image: y0 = x0 + x1 reaches y1 = 1.5 only as a tie, which class 0 wins
    const mirrored = linearModel({ weights: [[1, 1, 0, 0], [0, 0, 0, 0]], bias: [0, 1.5] });
    const outcome = await attack(mirrored, { index: 0, x: half(4), label: 1 }, { t: 1, order: 'scan', mode: 'all', engine });
    expect(outcome.status).toBe('not_found');
    expect(outcome.details).toMatchObject({ attackable: [], boundary: [0, 1], unattackable: [2, 3], solver_calls: 6 });
    expect(outcome.claims).toEqual([]);
  });
});

describe('the activation path', () => {
  // h = relu(x0 − 0.5); y0 = b, y1 = 2h
  const net = (b: number) => reluModel([2], [
    { weights: [[1, 0], [0, 1]], bias: [-0.5, 0], relu: true },
    { weights: [[0, 0], [2, 0]], bias: [b, 0], relu: false },
  ]);

  it('proves nothing beyond the path: the attack that switches the ReLU on is out of scope', async () => {
    const model = net(0.1);
    const sample = { index: 0, x: Float32Array.of(0.2, 0.3), label: 0 };
    const outcome = await attack(model, sample, { t: 1, order: 'scan', mode: 'all' });
    expect(outcome.status).toBe('not_found');
    expect(outcome.details).toMatchObject({ unattackable: [0, 1] });
    expect(outcome.claims?.[0]).toMatchObject({ norm: 'l0', value: 2, condition: expect.stringContaining('activation pattern') });
    // x0 = 1 turns h on and flips the label: an unconditional bound of 2 would be false
    expect(Array.from(await model.classify(Float32Array.of(1, 0.3)))).toEqual([1]);
  });

  it.each(['exact', 'z3'])('finds the attack that stays on the path, clear of the boundary by the margin (%s)', async (engine) => {
    // h is active at x0 = 0.7 and y1 = 2(x0 − 0.5) beats y0 = 0.5 once x0 > 0.75
    const model = net(0.5);
    const outcome = await attack(model, { index: 0, x: Float32Array.of(0.7, 0.3), label: 0 }, { t: 1, order: 'scan', mode: 'all', engine, margin: 0.01 });
    expect(outcome.status).toBe('adversarial');
    expect(outcome.details).toMatchObject({ attackable: [0], unattackable: [1] });
    if (outcome.status !== 'adversarial') return;
    expect(outcome.adversarial[0]).toBeGreaterThanOrEqual(0.755 - 1e-7);
    expect(outcome.adversarial[1]).toBe(Math.fround(0.3));
  });
});

describe('targets', () => {
  // y0 = 1, y1 = 2·x0, y2 = 3·x1 at x = (0.1, 0.1): pixel 0 can only reach class 1, pixel 1 only class 2
  const model = linearModel({ weights: [[0, 0], [2, 0], [0, 3]], bias: [1, 0, 0] });
  const sample = { index: 0, x: Float32Array.of(0.1, 0.1), label: 0 };

  it.each([
    [1, [0]],
    [2, [1]],
    ['next', [0]],
  ])('target %s is reached by pixels %j', async (target, pixels) => {
    const outcome = await attack(model, sample, { t: 1, order: 'scan', mode: 'all', target });
    expect(outcome.status).toBe('adversarial');
    expect(outcome.details).toMatchObject({ attackable: pixels });
    if (outcome.status === 'adversarial') expect(outcome.target).toBe(target === 'next' ? 1 : target);
  });

  it('says why when the target is the label or no class', async () => {
    expect((await attack(model, sample, { target: 0 })).details).toEqual({ note: "target 0 is the sample's own label" });
    expect((await attack(model, sample, { target: 7 })).details).toEqual({ note: 'target 7 is not a class of this 3-class model' });
  });

  it('claims a targeted bound with its target', async () => {
    const far = linearModel({ weights: [[0, 0], [0.1, 0], [0, 3]], bias: [1, 0, 0] });
    const outcome = await attack(far, sample, { t: 2, order: 'scan', target: 1 });
    expect(outcome.claims).toEqual([expect.objectContaining({ value: 3, target: 1 })]);
  });
});

describe('importance and search order', () => {
  // y0 = 1.5 − w·x, y1 = 0; only pixel 4 (weight 5) can push y0 below 0
  const w = [0.1, 0.1, 0.1, 0.1, 5, 0.2];
  const model = linearModel({ weights: [w.map((v) => -v), [0, 0, 0, 0, 0, 0]], bias: [1.5, 0], inputShape: [2, 3, 1] });
  const sample = { index: 3, x: new Float32Array(6).fill(0.1), label: 0 };

  it('ranks pixels by |C|, C and C·x', () => {
    const c = w.map((v) => -v);
    const x = [0.1, 0.1, 0.1, 0.1, 0.1, 0.2];
    expect(Array.from(importanceScores('abs', c, x))).toEqual(w);
    expect(Array.from(importanceScores('co', c, x))).toEqual(c);
    expect(Array.from(importanceScores('coi', c, x))).toEqual(c.map((v, j) => v * x[j]));
    expect(Array.from(rankPixels(importanceScores('abs', c, x)))).toEqual([4, 5, 0, 1, 2, 3]);
    expect(Array.from(rankPixels(importanceScores('co', c, x)))).toEqual([0, 1, 2, 3, 5, 4]);
    expect(Array.from(rankPixels(importanceScores('coi', c, x)))).toEqual([0, 1, 2, 3, 5, 4]);
  });

  it.each([
    ['scan', 'abs', 5, 6],
    ['importance', 'abs', 1, 2],
    ['importance', 'coi', 6, 7],
  ])('order %s by %s reaches the attack after %i candidates and %i solver calls', async (order, metric, candidatesToFirst, calls) => {
    const outcome = await attack(model, sample, { order, metric });
    expect(outcome.status).toBe('adversarial');
    expect(outcome.details).toMatchObject({ candidates_to_first: candidatesToFirst, solver_calls_to_first: calls, checked: candidatesToFirst, attackable: [4] });
    expect(outcome.details?.first_rank).toBe(metric === 'abs' ? 1 : 6);
  });

  it('a shortlist that leaves the pixel out finds nothing and claims only for the shortlist', async () => {
    const outcome = await attack(model, sample, { order: 'shortlist', metric: 'coi', shortlist_percent: 50 });
    expect(outcome.status).toBe('not_found');
    expect(outcome.details).toMatchObject({ unattackable: [0, 1, 2], candidates: 3 });
    expect(outcome.claims?.[0].condition).toMatch(/among the top-50% coi pixels \(3\)$/);
  });

  it('renders the saliency panels: top 5% and top 10% in green, the attack pixel in red', async () => {
    const artifacts: Artifact[] = [];
    const params = deepcheck.params.parse({ metric: 'abs' });
    const iterator = deepcheck.run({
      params,
      model,
      models: [model],
      samples: [{ ...sample, prediction: 0, rng: createRng(0) }],
      dataset: { name: 'test', inputShape: [2, 3, 1], numClasses: 2 },
      solverCalls: { add: () => undefined },
      offModelForward: { add: () => undefined },
      signal: new AbortController().signal,
      images: true,
      artifact: (a) => artifacts.push(a),
      log: () => undefined,
    });
    for await (const outcome of iterator) expect(outcome.status).toBe('adversarial');
    expect(artifacts).toHaveLength(1);
    const png = artifacts[0];
    if (png.kind !== 'png') throw new Error('expected a png');
    expect(png).toMatchObject({ name: 'deepcheck-3.png', channels: 3, width: 3 * 3 * 38 + 8, height: 2 * 38 });
    const colourAt = (panel: number, row: number, col: number) => {
      const at = ((row * 38 + 19) * png.width + panel * (3 * 38 + 4) + col * 38 + 19) * 3;
      return Array.from(png.pixels.subarray(at, at + 3));
    };
    // pixel 4 is row 1, column 1; pixel 0 is background at 0.1
    expect([0, 1].map((panel) => colourAt(panel, 1, 1))).toEqual([[0, 200, 0], [0, 200, 0]]);
    expect(colourAt(2, 1, 1)).toEqual([255, 0, 0]);
    expect(colourAt(2, 0, 0)).toEqual([26, 26, 26]);
  });
});

describe('candidate orders', () => {
  it('grow ranked pairs one pixel at a time, as the paper counts them', () => {
    const ranking = Int32Array.of(7, 3, 9, 1);
    expect([...candidates(2, 'importance', ranking)]).toEqual([[3, 7], [7, 9], [3, 9], [1, 7], [1, 3], [1, 9]]);
    expect([...candidates(2, 'scan', Int32Array.of(0, 1, 2))]).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(shortlistSize(5, 784)).toBe(39);
    expect(shortlistSize(10, 784)).toBe(78);
    expect(candidateCount(2, 39)).toBe(741);
  });
});

describe('leaderboard columns', () => {
  const record = (status: string, details: Record<string, unknown>): SampleRecordView => recordView({ status, label: 0, details });

  it('average validated searches only, and name the share after t', () => {
    const records = [
      record('adversarial', { attackable: [3, 9, 12], unattackable_count: 781, solver_calls_to_first: 10, candidates_to_first: 9, first_rank: 4 }),
      record('adversarial', { attackable: [5], unattackable_count: 783, solver_calls_to_first: 2, candidates_to_first: 1, first_rank: 1 }),
      record('not_found', { attackable: [], unattackable_count: 784, solver_calls_to_first: null, candidates_to_first: null, first_rank: null }),
      record('invalid', { attackable: [1, 2, 3, 4, 5, 6], unattackable_count: 0, solver_calls_to_first: 1000, candidates_to_first: 1000, first_rank: 700 }),
      record('skipped', {}),
    ];
    expect(deepcheck.leaderboard(records, deepcheck.params.parse({ mode: 'all' }))).toEqual({
      attackable_per_image: 1.3333,
      unattackable_per_image: 782.6667,
      solver_calls_to_first_attack: 6,
      candidates_to_first_attack: 5,
      first_attack_rank: 2.5,
      share_1pixel_attack: 0.5,
    });
    expect(Object.keys(deepcheck.leaderboard([], deepcheck.params.parse({ t: 2 })))).toContain('share_2pixel_attack');
  });
});

describe(`pairs on ${ZOO}`, () => {
  it('every pair holding a 1-pixel-attackable pixel is attackable (a pixel may stay where it is)', async () => {
    if (!zooModelNames().includes(ZOO)) {
      console.warn(`skipped: models/${ZOO} is not there yet`);
      return;
    }
    const model = await loadModel(ZOO);
    const mnist = await loadDataset('mnist', 'test');
    let checkedPairs = 0;
    for (const index of [8, 61, 7]) {
      const sample = { index, x: mnist.sample(index), label: mnist.labels[index] };
      if ((await model.classify(sample.x))[0] !== sample.label) continue;
      const params = { order: 'shortlist', metric: 'abs', shortlist_percent: 5, mode: 'all' };
      const single = (await attack(model, sample, { ...params, t: 1 })).details as { attackable: number[]; unattackable: number[] };
      const pairs = (await attack(model, sample, { ...params, t: 2 })).details?.attackable as [number, number][];
      const found = new Set(pairs.map((pair) => pair.join(',')));
      for (const pixel of single.attackable) {
        for (const other of [...single.attackable, ...single.unattackable].filter((p) => p !== pixel)) {
          expect(found.has([Math.min(pixel, other), Math.max(pixel, other)].join(','))).toBe(true);
          checkedPairs++;
        }
      }
    }
    expect(checkedPairs).toBeGreaterThan(10);
  });
});
