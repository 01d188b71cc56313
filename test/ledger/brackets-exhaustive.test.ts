// Brackets on a network small enough to know the answer: a 6-input, 3-class linear model, whose
// minimal L0 adversarial over [0, 1]^6 is found by trying every input that keeps or moves each
// pixel to 0 or 1 (a linear margin is best at a corner of the box, so these 3^6 inputs are enough).
// Real records come from runJob: salt-pepper attacks, a toy prover claims per-target L0 bounds, a toy
// exhaustive plugin returns the minimal adversarial, and an over-claiming prover is caught.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { saltPepper } from '../../attacks/salt-pepper/index.js';
import { LEDGER_FILES, runLedger } from '../../harness/ledger/ledger.js';
import type { Job } from '../../harness/plan.js';
import { definePlugin, type RegisteredPlugin } from '../../harness/plugin.js';
import type { SampleRecord } from '../../harness/results/record.js';
import { createRng } from '../../harness/rng.js';
import { runJob, type SampleSource } from '../../harness/run-job.js';
import type { BoundClaim, SampleInput, SampleOutcome } from '../../harness/types.js';
import { argmax, linearModel } from '../helpers/linear-model.js';

const INPUTS = 6;
const CLASSES = 3;
const rng = createRng('ledger-exhaustive');
const weights = Array.from({ length: CLASSES }, () => Array.from({ length: INPUTS }, () => 2 * rng.next() - 1));
const bias = Array.from({ length: CLASSES }, () => 0.3 * (rng.next() - 0.5));
const model = linearModel({ weights, bias, name: 'lin6' });
const images = Array.from({ length: 16 }, () => Float32Array.from({ length: INPUTS }, () => (rng.next() < 0.4 ? 0 : rng.next() < 0.3 ? 1 : Math.fround(rng.next()))));
const data: SampleSource = {
  name: 'toy',
  split: 'test',
  inputShape: [INPUTS],
  numClasses: CLASSES,
  labels: images.map((x) => argmax(model.logits(x))),
  sample: (i) => images[i].slice(),
};

/** The smallest L0 of any input in {keep, 0, 1}^6 that changes the label, and that input; undefined when none does. */
function exhaustiveMinimum(x: Float32Array, label: number): { l0: number; adversarial: Float32Array } | undefined {
  let best: { l0: number; adversarial: Float32Array } | undefined;
  for (let code = 0; code < 3 ** INPUTS; code++) {
    const candidate = x.slice();
    let rest = code;
    for (let i = 0; i < INPUTS; i++, rest = Math.floor(rest / 3)) if (rest % 3 > 0) candidate[i] = rest % 3 - 1;
    const l0 = candidate.reduce((n, v, i) => n + (v !== x[i] ? 1 : 0), 0);
    if ((best === undefined || l0 < best.l0) && argmax(model.logits(candidate)) !== label) best = { l0, adversarial: candidate };
  }
  return best;
}

/**
 * For target t, any x' labelled t has z_t − z_label > 0; pixel i can add at most
 * max(d(1 − x_i), −d x_i) with d = w_t,i − w_label,i, so t needs at least as many pixels as the
 * largest such gains take to pass the margin. Independent of the exhaustive search above.
 */
function perTargetBounds(sample: SampleInput, slack: number): BoundClaim[] {
  const z = model.logits(sample.x);
  return Array.from({ length: CLASSES }, (_, t) => t)
    .filter((t) => t !== sample.label)
    .map((t) => {
      const gains = weights[t]
        .map((w, i) => {
          const d = w - weights[sample.label][i];
          return Math.max(d * (1 - sample.x[i]), -d * sample.x[i]);
        })
        .sort((a, b) => b - a);
      let k = 0;
      let total = 0;
      while (k < INPUTS && total <= z[sample.label] - z[t]) total += gains[k++];
      const needed = total > z[sample.label] - z[t] ? k : INPUTS + 1;
      return { kind: 'lower_bound', norm: 'l0', value: needed + slack, strict: false, target: t };
    });
}

function toyPlugin(id: string, run: (sample: SampleInput) => SampleOutcome): RegisteredPlugin {
  return definePlugin({
    id,
    summary: `test plugin ${id}`,
    kind: 'verifier',
    params: z.object({}),
    needs: [],
    chunkSize: () => 4,
    threat: () => ({ norm: 'unbounded' }),
    async *run(ctx) {
      for (const sample of ctx.samples) yield run(sample);
    },
  });
}

const prover = toyPlugin('prover', (s) => ({ status: 'robust', index: s.index, region: 'per-target L0 bounds', claims: perTargetBounds(s, 0) }));
const overclaimer = toyPlugin('overclaimer', (s) => ({ status: 'robust', index: s.index, region: 'per-target L0 bounds + 1', claims: perTargetBounds(s, 1) }));
const exhaustive = toyPlugin('exhaustive', (s) => {
  const found = exhaustiveMinimum(s.x, s.label);
  return found === undefined ? { status: 'not_found', index: s.index } : { status: 'adversarial', index: s.index, adversarial: found.adversarial };
});

async function recordsOf(plugin: RegisteredPlugin, params: Record<string, unknown>): Promise<SampleRecord[]> {
  const job: Job = { hash: `job-${plugin.id}`, data: { dataset: 'mnist', split: 'test', samples: images.length }, model: 'lin6', attack: { id: plugin.id, params }, plugin };
  const written: SampleRecord[] = [];
  await runJob({
    job,
    models: [model],
    data,
    indices: images.map((_, i) => i),
    done: new Set(),
    ordinal: 0,
    seed: 5,
    sampleTimeoutMs: 10000,
    interrupt: new AbortController().signal,
    images: false,
    artifact: () => {},
    write: (record) => written.push(record),
    log: () => {},
  });
  return written;
}

describe('brackets on a network with a known minimal L0', () => {
  it('close on the exhaustive minimum, rank salt-pepper by its distance to it, and catch an over-claim', async () => {
    const truth = images.map((x, i) => exhaustiveMinimum(x, data.labels[i])?.l0);
    expect(new Set(truth).size).toBeGreaterThan(1);

    const sound = [
      ...(await recordsOf(saltPepper, saltPepper.params.parse({ max_pixels: INPUTS, trials: 3 }) as Record<string, unknown>)),
      ...(await recordsOf(prover, {})),
      ...(await recordsOf(exhaustive, {})),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-brackets-'));
    const jobs = ['job-salt-pepper', 'job-prover', 'job-exhaustive', 'job-overclaimer'];
    const result = runLedger({ outDir: dir, jobs, records: sound, numClasses: () => CLASSES });
    expect(result.contradictions).toEqual([]);

    const brackets: Record<string, string>[] = parse(readFileSync(join(dir, LEDGER_FILES.brackets), 'utf8'), { columns: true });
    const l0 = new Map(brackets.filter((b) => b.norm === 'l0').map((b) => [Number(b.index), b]));
    truth.forEach((minimum, index) => {
      const bracket = l0.get(index);
      if (minimum === undefined) {
        // nothing flips this sample: the prover's bound says so (more pixels than there are)
        expect(bracket?.lower).toBe(String(INPUTS + 1));
        expect(bracket?.upper).toBe('');
      } else {
        expect(bracket).toMatchObject({ lower: String(minimum), lower_source: 'every target', upper: String(minimum), width: '0' });
      }
    });

    const spRecords = sound.filter((r) => r.job === 'job-salt-pepper' && r.status === 'adversarial');
    expect(spRecords.length).toBeGreaterThan(0);
    const gaps = spRecords.map((r) => (r.distances?.l0 as number) - (truth[r.index] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0);
    expect(result.columns.get('job-salt-pepper')?.bound_gap_l0).toBeCloseTo(gaps.reduce((a, b) => a + b, 0) / gaps.length, 6);
    expect(result.columns.get('job-exhaustive')?.bound_gap_l0).toBe(0);

    const withOverclaim = [...sound, ...(await recordsOf(overclaimer, {}))];
    const caught = runLedger({ outDir: dir, jobs, records: withOverclaim, numClasses: () => CLASSES }).contradictions;
    const flippable = truth.flatMap((m, index) => (m === undefined ? [] : [index]));
    // the exhaustive minimum contradicts the over-claim on every sample that can be flipped
    expect(new Set(caught.filter((c) => c.adversarial.job === 'job-exhaustive').map((c) => c.group.index))).toEqual(new Set(flippable));
    expect(caught.every((c) => c.claim.job === 'job-overclaimer' && c.norm === 'l0')).toBe(true);
  });
});
