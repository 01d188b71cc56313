// minimal-lp through the harness (runJob), as `gauntlet run` runs it: in `target: each` the other
// classes' adversarials reach the record only as harness verdicts, and the per-class columns count
// only those; a capped search is never `robust`, claims nothing and is never counted as exact.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { minimalLp } from '../../attacks/minimal-lp/index.js';
import type { Job } from '../../harness/plan.js';
import { definePlugin } from '../../harness/plugin.js';
import type { SampleRecord } from '../../harness/results/record.js';
import { runJob } from '../../harness/run-job.js';
import type { ModelHandle } from '../../harness/types.js';
import type { LabelledSample } from '../conformance/run-plugin.js';
import { labelledSamples, randomNet } from './small-nets.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface TargetDetail {
  target: number;
  adversarial_l1: number | null;
  checked: boolean;
}

async function records(model: ModelHandle, samples: readonly LabelledSample[], raw: Record<string, unknown>, plugin = minimalLp): Promise<SampleRecord[]> {
  const params = minimalLp.params.parse(raw) as Record<string, unknown>;
  const job: Job = { hash: 'job', data: { dataset: 'mnist', split: 'test', samples: samples.length }, model: model.name, attack: { id: plugin.id, params }, plugin };
  const written: SampleRecord[] = [];
  await runJob({
    job,
    models: [model],
    data: { name: 'random', split: 'test', inputShape: model.inputShape, numClasses: model.numClasses, labels: samples.map((s) => s.label), sample: (i) => samples[i].x },
    indices: samples.map((s) => s.index),
    done: new Set(),
    ordinal: 0,
    seed: 1,
    sampleTimeoutMs: 60_000,
    interrupt: new AbortController().signal,
    images: false,
    artifact: () => {},
    write: (r) => written.push(r),
    log: () => {},
  });
  return written;
}

/** The classes searched in some record: each has its per-class columns (and at least three must). */
function searchedClasses(out: readonly SampleRecord[]): number[] {
  const classes = new Set(out.flatMap((r) => (r.details.targets as TargetDetail[]).map((d) => d.target)));
  expect(classes.size).toBeGreaterThanOrEqual(3);
  return [...classes];
}

describe('minimal-lp records', () => {
  it('each target: every other class found is handed to the harness, validated, and counted from its verdict', async () => {
    const model = randomNet('each', [12, 8, 6, 4]);
    const samples = await labelledSamples(model, 'each', 6);
    const params = { epsilon: 2, target: 'each' };
    const out = await records(model, samples, params);
    let examples = 0;
    for (const r of out) {
      const found = (r.details.targets as TargetDetail[]).filter((d) => d.checked);
      if (r.status !== 'adversarial') {
        expect(found).toEqual([]);
        expect(r).not.toHaveProperty('examples');
        continue;
      }
      // the record's own class plus its examples are exactly the classes the plugin found
      expect([r.target, ...(r.examples ?? []).map((e) => e.target)].sort()).toEqual(found.map((d) => d.target).sort());
      for (const e of r.examples ?? []) {
        expect(e).toMatchObject({ valid: true, prediction: e.target });
        const detail = found.find((d) => d.target === e.target) as TargetDetail;
        expect(e.distances?.l1).toBeCloseTo(detail.adversarial_l1 as number, 5);
        // the record's own adversarial is the closest
        expect(e.distances?.l1).toBeGreaterThanOrEqual((r.distances?.l1 as number) - 1e-9);
        examples++;
      }
    }
    expect(examples).toBeGreaterThan(3);
    const columns = minimalLp.leaderboard(out, minimalLp.params.parse({ ...params, deltas: [2] }));
    for (const target of searchedClasses(out)) {
      const eligible = out.filter((r) => r.label !== target);
      const counted = eligible.filter((r) => r.target === target || (r.examples ?? []).some((e) => e.target === target));
      expect(columns[`phi_2_t${target}`]).toBeCloseTo((100 * counted.length) / eligible.length, 2);
    }
  });

  it('each target: an example the harness rejects does not count, and leaves the record adversarial', async () => {
    const model = randomNet('each', [12, 8, 6, 4]);
    const samples = await labelledSamples(model, 'each', 6);
    // the same plugin, but every further example is pushed out of [0, 1]
    const forging = definePlugin({
      ...minimalLp,
      async *run(ctx) {
        for await (const o of minimalLp.run(ctx)) {
          yield { ...o, examples: o.examples?.map((e) => ({ ...e, adversarial: e.adversarial.map((v, i) => (i === 0 ? 2 : v)) })) };
        }
      },
    });
    const params = { epsilon: 2, target: 'each' };
    const honest = await records(model, samples, params);
    const forged = await records(model, samples, params, forging);
    expect(forged.map((r) => r.status)).toEqual(honest.map((r) => r.status));
    const rejected = forged.flatMap((r) => r.examples ?? []);
    expect(rejected.length).toBeGreaterThan(0);
    for (const e of rejected) expect(e).toMatchObject({ valid: false, reason: expect.stringMatching(/outside \[0, 1\]/) });
    const columns = minimalLp.leaderboard(forged, minimalLp.params.parse({ ...params, deltas: [2] }));
    for (const target of searchedClasses(forged)) {
      const eligible = forged.filter((r) => r.label !== target);
      const own = eligible.filter((r) => r.status === 'adversarial' && r.target === target);
      expect(columns[`phi_2_t${target}`]).toBeCloseTo((100 * own.length) / eligible.length, 2);
    }
  });

  it.each(['regions', 'local', 'milp'])('a search capped at one LP (%s) is never robust, claims nothing and is never exact', async (mode) => {
    const model = randomNet('agree', [16, 10, 8, 4]);
    const samples = await labelledSamples(model, 'agree', 8);
    for (const target of ['untargeted', 'each']) {
      const params = { mode, epsilon: 1.5, target, max_regions: 1 };
      const out = await records(model, samples, params);
      for (const r of out) {
        expect(r.details).toMatchObject({ complete: false, stopped: 'region cap', min_l1_exact: false });
        expect(r.status).not.toBe('robust');
        expect(r.status).not.toBe('invalid');
        expect(r.claims).toEqual([]);
      }
      expect(out.some((r) => r.status === 'adversarial')).toBe(true);
      expect(minimalLp.leaderboard(out, minimalLp.params.parse(params))).toMatchObject({ complete_pct: 0, exact_pct: 0 });
    }
  });
});
