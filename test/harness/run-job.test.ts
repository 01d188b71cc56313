// runJob on a hand-built linear model: claims are re-checked, faults are isolated, costs are counted.
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { definePlugin, type RegisteredPlugin } from '../../harness/plugin.js';
import type { Job } from '../../harness/plan.js';
import type { SampleRecord } from '../../harness/results/record.js';
import { runJob, type SampleSource, type Shard } from '../../harness/run-job.js';
import type { AttackContext, SampleOutcome } from '../../harness/types.js';
import { linearModel } from '../helpers/linear-model.js';

// Class 0 wins when x0 > x1, class 1 otherwise: the boundary is the diagonal.
const model = linearModel({ weights: [[1, 0], [0, 1]], bias: [0, 0], inputShape: [2] });

const points = [
  [0.8, 0.2], // 0
  [0.3, 0.6], // 1
  [0.9, 0.1], // 0
  [0.2, 0.7], // labelled 0 below: the model gets it wrong, so it is skipped
];
const labels = [0, 1, 0, 0];
const data: SampleSource = {
  name: 'toy',
  split: 'test',
  inputShape: [2],
  numClasses: 2,
  labels,
  sample: (i) => Float32Array.from(points[i]),
};

function plugin(run: (ctx: AttackContext<unknown>) => AsyncIterable<SampleOutcome>, chunk = 10, budget = 0.5): RegisteredPlugin {
  return definePlugin({
    id: 'toy',
    summary: 'test plugin',
    kind: 'attack',
    params: z.object({}),
    needs: [],
    chunkSize: () => chunk,
    threat: () => ({ norm: 'linf', budget }),
    run,
  });
}

async function records(
  p: RegisteredPlugin,
  options: { timeoutMs?: number; interrupt?: AbortSignal; done?: Set<number>; shard?: Shard } = {},
): Promise<SampleRecord[]> {
  const job: Job = { hash: 'job1', data: { dataset: 'mnist', split: 'test', samples: 4 }, model: 'toy', attack: { id: 'toy', params: {} }, plugin: p };
  const written: SampleRecord[] = [];
  await runJob({
    job,
    models: [model],
    data,
    indices: [0, 1, 2, 3],
    done: options.done ?? new Set(),
    shard: options.shard,
    ordinal: 0,
    seed: 1,
    sampleTimeoutMs: options.timeoutMs ?? 1000,
    interrupt: options.interrupt ?? new AbortController().signal,
    images: false,
    artifact: () => {},
    write: (r) => written.push(r),
    log: () => {},
  });
  return written;
}

/** Moves each point just across the diagonal (or not, for the forgeries below). */
function flip(x: Float32Array): Float32Array {
  const mid = (x[0] + x[1]) / 2;
  return x[0] > x[1] ? Float32Array.from([mid - 0.01, mid + 0.01]) : Float32Array.from([mid + 0.01, mid - 0.01]);
}

describe('runJob', () => {
  it('records a genuine adversarial with its distances and skips misclassified samples', async () => {
    const out = await records(
      plugin(async function* (ctx) {
        for (const s of ctx.samples) yield { status: 'adversarial', index: s.index, adversarial: flip(s.x) };
      }),
    );
    expect(out.map((r) => [r.index, r.status])).toEqual([[3, 'skipped'], [0, 'adversarial'], [1, 'adversarial'], [2, 'adversarial']]);
    const first = out.find((r) => r.index === 0) as SampleRecord;
    expect(first.adversarial_prediction).toBe(1);
    expect(first.distances?.linf).toBeCloseTo(0.31, 5);
    expect(first.distances?.l0).toBe(2);
    expect(out.find((r) => r.index === 3)?.prediction).toBe(1);
  });

  it('turns forged claims into invalid records, each with its reason', async () => {
    const forgeries: Record<number, (x: Float32Array) => Float32Array> = {
      0: (x) => x, // unchanged: still the true label
      1: (x) => Float32Array.from([x[0] + 0.4, x[1] - 0.59]), // flips, but L∞ 0.59 > budget 0.5
      2: () => Float32Array.from([-0.2, 0.9]), // outside [0, 1]
    };
    const out = await records(
      plugin(async function* (ctx) {
        for (const s of ctx.samples) yield { status: 'adversarial', index: s.index, adversarial: forgeries[s.index](s.x) };
      }),
    );
    const byIndex = new Map(out.map((r) => [r.index, r]));
    expect(byIndex.get(0)?.status).toBe('invalid');
    expect(byIndex.get(0)?.message).toMatch(/predicts 0, the true label/);
    expect(byIndex.get(1)?.status).toBe('invalid');
    expect(byIndex.get(1)?.message).toMatch(/linf/);
    expect(byIndex.get(2)?.status).toBe('invalid');
    expect(byIndex.get(2)?.message).toMatch(/outside \[0, 1\]/);
  });

  it('validates further examples like the main claim, records their verdicts without pixels, and leaves the status alone', async () => {
    const out = await records(
      plugin(async function* (ctx) {
        for (const s of ctx.samples) {
          const examples = [
            { adversarial: flip(s.x), target: 1 - s.label, note: 'crossed' },
            { adversarial: Float32Array.from(s.x), target: 1 - s.label }, // unchanged: still the label
          ];
          // sample 0: a genuine main claim; 1: a forged one; 2: nothing found, but further examples
          if (s.index === 0) yield { status: 'adversarial', index: s.index, adversarial: flip(s.x), examples };
          else if (s.index === 1) yield { status: 'adversarial', index: s.index, adversarial: Float32Array.from(s.x), examples };
          else yield { status: 'not_found', index: s.index, examples: [examples[1], { adversarial: Float32Array.from([0.5, 0.5, 0.5]) }] };
        }
      }),
    );
    const byIndex = new Map(out.map((r) => [r.index, r]));
    const valid = { target: 1, valid: true, prediction: 1, distances: expect.objectContaining({ l0: 2 }), note: 'crossed' };
    const unchanged = { target: 1, valid: false, prediction: 0, distances: expect.objectContaining({ l1: 0 }), reason: 'model predicts 0, the true label' };
    expect(byIndex.get(0)).toMatchObject({ status: 'adversarial', examples: [valid, unchanged] });
    expect(byIndex.get(0)?.examples?.[0].distances?.linf).toBeCloseTo(0.31, 5);
    expect(byIndex.get(0)?.examples?.[1]).not.toHaveProperty('note');
    expect(byIndex.get(0)?.examples?.[0]).not.toHaveProperty('reason');
    expect(byIndex.get(1)).toMatchObject({ status: 'invalid', examples: [{ target: 0, valid: true, prediction: 0 }, { target: 0, valid: false, reason: 'model predicts 1, the true label' }] });
    expect(byIndex.get(2)).toMatchObject({
      status: 'not_found',
      examples: [
        { target: 1, valid: false, prediction: 0 },
        { target: null, valid: false, prediction: null, distances: null, reason: 'adversarial has 3 values, the model takes 2' },
      ],
    });
    const fields = new Set(['target', 'valid', 'prediction', 'distances', 'reason', 'note']);
    for (const r of out) for (const e of r.examples ?? []) expect(Object.keys(e).filter((key) => !fields.has(key))).toEqual([]);
    expect(byIndex.get(3)).not.toHaveProperty('examples');
  });

  it('leaves examples out of the records of a plugin that gives none', async () => {
    const out = await records(
      plugin(async function* (ctx) {
        for (const s of ctx.samples) yield { status: 'adversarial', index: s.index, adversarial: flip(s.x), examples: [] };
      }),
    );
    for (const r of out) expect(r).not.toHaveProperty('examples');
  });

  it('isolates a plugin that throws: its chunk becomes error records and later chunks still run', async () => {
    const out = await records(
      plugin(async function* (ctx) {
        if (ctx.samples[0].index === 0) throw new Error('boom');
        for (const s of ctx.samples) yield { status: 'not_found', index: s.index };
      }, 1),
    );
    expect(out.map((r) => [r.index, r.status])).toEqual([[3, 'skipped'], [0, 'error'], [1, 'not_found'], [2, 'not_found']]);
    expect(out[1].message).toBe('toy threw: boom');
  });

  it('times out a plugin that hangs, without waiting for it', async () => {
    const started = performance.now();
    const out = await records(
      plugin(async function* (ctx) {
        if (ctx.samples[0].index === 1) await new Promise(() => {});
        for (const s of ctx.samples) yield { status: 'not_found', index: s.index };
      }, 1),
      { timeoutMs: 100 },
    );
    expect(out.map((r) => [r.index, r.status])).toEqual([[3, 'skipped'], [0, 'not_found'], [1, 'timeout'], [2, 'not_found']]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('fills in an error for a sample the plugin never reported', async () => {
    const out = await records(
      plugin(async function* (ctx) {
        yield { status: 'not_found', index: ctx.samples[0].index };
      }),
    );
    expect(out.filter((r) => r.status === 'error').map((r) => r.index)).toEqual([1, 2]);
  });

  it('shares a chunk\'s counted model calls equally among its samples', async () => {
    const out = await records(
      plugin(async function* (ctx) {
        const batch = new Float32Array(ctx.samples.length * 2);
        ctx.samples.forEach((s, k) => batch.set(s.x, 2 * k));
        await ctx.model.classify(batch);
        await ctx.model.inputGradient(batch, { kind: 'margin', labels: Int32Array.from(ctx.samples.map((s) => s.label)) });
        await ctx.model.inputGradient(batch, { kind: 'margin', labels: Int32Array.from(ctx.samples.map((s) => s.label)) });
        // queries the plugin answered without the model count as forward passes too
        ctx.offModelForward.add(2 * ctx.samples.length);
        for (const s of ctx.samples) yield { status: 'not_found', index: s.index };
      }),
    );
    const attacked = out.filter((r) => r.status !== 'skipped');
    for (const r of attacked) expect(r.cost).toEqual({ forward: 3, gradient: 2, solver_calls: 0 });
  });

  it('drops the chunk under way when the run is interrupted, so a resume redoes it', async () => {
    const controller = new AbortController();
    const out = await records(
      plugin(async function* (ctx) {
        if (ctx.samples[0].index === 1) controller.abort();
        for (const s of ctx.samples) yield { status: 'not_found', index: s.index };
      }, 1),
      { interrupt: controller.signal },
    );
    expect(out.map((r) => r.index)).toEqual([3, 0]);
  });

  it('splits the work into shards that together hold exactly the unsharded records', async () => {
    const flipAll = plugin(async function* (ctx) {
      const batch = new Float32Array(ctx.samples.length * 2);
      ctx.samples.forEach((s, k) => batch.set(s.x, 2 * k));
      await ctx.model.classify(batch);
      for (const s of ctx.samples) yield { status: 'adversarial', index: s.index, adversarial: flip(s.x) };
    }, 2);
    const whole = await records(flipAll);
    const parts = await Promise.all([0, 1, 2].map((index) => records(flipAll, { shard: { index, count: 3 } })));
    const strip = (r: SampleRecord) => ({ ...r, time_ms: 0 });
    const merged = parts.flat().map(strip).sort((a, b) => a.index - b.index);
    expect(merged).toEqual(whole.map(strip).sort((a, b) => a.index - b.index));
    expect(parts.map((p) => p.length)).toEqual([3, 1, 0]);
  });

  it('does not redo samples already recorded, and keeps the chunks they were cut into', async () => {
    const seen: number[][] = [];
    const out = await records(
      plugin(async function* (ctx) {
        seen.push(ctx.samples.map((s) => s.index));
        for (const s of ctx.samples) yield { status: 'not_found', index: s.index };
      }, 2),
      { done: new Set([0, 3]) },
    );
    expect(out.map((r) => r.index)).toEqual([1, 2]);
    expect(seen).toEqual([[1], [2]]);
  });
});
