// A whole run with two toy plugins registered only here: one finds L∞ adversarials, the other claims
// no adversarial exists within L∞ 0.9. The runner's ledger must catch every pair, write its files and
// columns, and every leaderboard row must carry the run's metric columns.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Experiment } from '../../harness/config/experiment.js';
import { zooModelDir } from '../../harness/zoo/zoo-dir.js';
import { LEDGER_FILES } from '../../harness/ledger/ledger.js';
import { definePlugin, type RegisteredPlugin } from '../../harness/plugin.js';
import type { Progress } from '../../harness/progress.js';
import type { SampleRecord } from '../../harness/results/record.js';
import { runExperiment, type RunResult } from '../../harness/runner.js';
import type { SampleOutcome } from '../../harness/types.js';
import { RUN_COLUMNS } from '../../metrics/run-columns.js';

const EPSILONS = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];

/** Signed-gradient steps of growing size; the first that flips a sample is its adversarial. */
const finder = definePlugin({
  id: 'finder',
  summary: 'toy: growing signed-gradient steps',
  kind: 'attack',
  params: z.object({}),
  needs: ['gradients'],
  chunkSize: () => 10,
  threat: () => ({ norm: 'linf', budget: 0.5 }),
  async *run({ model, samples }): AsyncGenerator<SampleOutcome> {
    const n = model.inputSize;
    const x = new Float32Array(samples.length * n);
    samples.forEach((s, k) => x.set(s.x, k * n));
    const { gradient } = await model.inputGradient(x, { kind: 'cross-entropy', labels: Int32Array.from(samples.map((s) => s.label)) });
    const open = new Set(samples.map((_, k) => k));
    for (const epsilon of EPSILONS) {
      const candidate = x.map((v, i) => Math.min(1, Math.max(0, v + epsilon * Math.sign(gradient[i]))));
      const predictions = await model.classify(candidate);
      for (const k of [...open]) {
        if (predictions[k] === samples[k].label) continue;
        open.delete(k);
        yield { status: 'adversarial', index: samples[k].index, adversarial: candidate.slice(k * n, (k + 1) * n) };
      }
    }
    for (const k of open) yield { status: 'not_found', index: samples[k].index };
  },
});

function claimer(id: string, outcome: (index: number) => SampleOutcome): RegisteredPlugin {
  return definePlugin({
    id,
    summary: `toy: ${id}`,
    kind: 'verifier',
    params: z.object({}),
    needs: [],
    chunkSize: () => 10,
    threat: () => ({ norm: 'unbounded' }),
    async *run({ samples }) {
      for (const s of samples) yield outcome(s.index);
    },
  });
}

const liar = claimer('liar', (index) => ({ status: 'robust', index, region: 'linf < 0.9', claims: [{ kind: 'lower_bound', norm: 'linf', value: 0.9, strict: false }] }));
const cautious = claimer('cautious', (index) => ({
  status: 'not_found',
  index,
  claims: [{ kind: 'lower_bound', norm: 'linf', value: 0.95, strict: false, condition: 'only along the sign of the gradient' }],
}));

const silent: Progress = { job: () => {}, tick: () => {}, log: () => {}, stop: () => {} };

let dir: string;
let result: RunResult;
let records: SampleRecord[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gauntlet-forged-'));
  // a small committed network, loaded by path as a user's own model would be
  for (const file of ['model.json', 'weights.bin']) copyFileSync(join(zooModelDir('mnist-mlp-10-10-10'), file), join(dir, file));
  const experiment: Experiment = {
    name: 'forged',
    seed: 1,
    backend: 'wasm',
    workers: 1,
    data: [{ dataset: 'mnist', split: 'test', samples: 12 }],
    models: [{ path: join(dir, 'model.json') }],
    attacks: [{ id: 'finder', params: {} }, { id: 'liar', params: {} }, { id: 'cautious', params: {} }],
    limits: { sample_timeout_s: 30 },
    incompatible: 'error',
    output: { images: false },
  };
  result = await runExperiment(experiment, {
    configFile: 'forged.yaml',
    outDir: join(dir, 'run'),
    resume: false,
    plugins: new Map([finder, liar, cautious].map((p) => [p.id, p])),
    progress: silent,
    interrupt: new AbortController().signal,
  });
  records = readFileSync(join(dir, 'run', 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SampleRecord);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a forged contradiction in a whole run', () => {
  it('is caught for every adversarial closer than the unconditional bound, and only that bound', () => {
    const found = records.filter((r) => r.attack === 'finder' && r.status === 'adversarial');
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(result.contradictions).toHaveLength(found.length);
    const rows: Record<string, string>[] = parse(readFileSync(join(dir, 'run', LEDGER_FILES.contradictions), 'utf8'), { columns: true });
    expect(rows.map((r) => Number(r.index)).sort((a, b) => a - b)).toEqual(found.map((r) => r.index).sort((a, b) => a - b));
    for (const row of rows) {
      expect(row).toMatchObject({ norm: 'linf', bound_attack: 'liar', bound_status: 'robust', bound_value: '0.9', adversarial_attack: 'finder', adversarial_status: 'adversarial' });
      expect(Number(row.distance)).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });

  it('counts the contradictions on both jobs and none on the conditional claimer', () => {
    const count = (attack: string) => result.rows.find((r) => r.attack === attack)?.contradictions;
    expect(count('finder')).toBe(result.contradictions.length);
    expect(count('liar')).toBe(result.contradictions.length);
    expect(count('cautious')).toBe(0);
  });

  it('records the conditional claim with its condition, unused, in claims.jsonl', () => {
    const lines = readFileSync(join(dir, 'run', LEDGER_FILES.claims), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { claims: { attack: string; condition: string | null; used_as: unknown }[] });
    const attacked = new Set(records.filter((r) => r.attack === 'liar').map((r) => r.index));
    expect(lines).toHaveLength(attacked.size);
    for (const line of lines) {
      expect(line.claims.find((c) => c.attack === 'cautious')).toMatchObject({ condition: 'only along the sign of the gradient', used_as: null });
      expect(line.claims.find((c) => c.attack === 'liar')).toMatchObject({ condition: null, used_as: { value: 0.9, strict: false } });
    }
  });

  it('writes every run column in every leaderboard row, empty only where the metric does not apply', () => {
    const csv: Record<string, string>[] = parse(readFileSync(join(dir, 'run', 'leaderboard.csv'), 'utf8'), { columns: true });
    for (const row of csv) for (const column of [...RUN_COLUMNS, 'adv_class_0', 'adv_class_9']) expect(row).toHaveProperty(column);
    const finderRow = csv.find((r) => r.attack === 'finder') as Record<string, string>;
    expect(Number(finderRow.fid)).toBeGreaterThan(0);
    expect(Number(finderRow.transferability)).toBeGreaterThanOrEqual(0);
    expect(Number(finderRow.transferability)).toBeLessThanOrEqual(100);
    expect(Number(finderRow.quantisation_survival)).toBeGreaterThan(0);
    expect(finderRow.bound_gap_linf).not.toBe('');
    const liarRow = csv.find((r) => r.attack === 'liar') as Record<string, string>;
    expect([liarRow.fid, liarRow.transferability, liarRow.quantisation_survival, liarRow.pielou]).toEqual(['', '', '', '']);
    expect(liarRow.adv_class_0).toBe('0');
  });
});
