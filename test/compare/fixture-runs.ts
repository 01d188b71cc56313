// Small hand-made run directories for compare tests: each job's outcomes are given sample by sample,
// and its leaderboard row is computed from them the way the v1 contract defines the columns.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { LEADERBOARD_COLUMNS } from '../../harness/results/leaderboard.js';
import type { SampleRecord } from '../../harness/results/record.js';

export interface FixtureJob {
  job: string;
  model: string;
  attack: string;
  params: string;
  threat: string;
  /** per attacked sample (index = position): whether it is a validated adversarial */
  broken: boolean[];
  /** L2 distance of every adversarial */
  l2: number;
  forward: number;
  timeS: number;
}

export function fixtureJob(overrides: Partial<FixtureJob> & Pick<FixtureJob, 'job' | 'attack'>): FixtureJob {
  return { model: 'mnist-mlp-10-10-10', params: '{"epsilon":0.1}', threat: 'linf<=0.1', broken: Array.from({ length: 40 }, (_, i) => i % 2 === 0), l2: 1.5, forward: 400, timeS: 0.01, ...overrides };
}

function records(j: FixtureJob): SampleRecord[] {
  return j.broken.map((broken, index) => ({
    job: j.job,
    dataset: 'mnist',
    split: 'test',
    index,
    model: j.model,
    attack: j.attack,
    label: 1,
    prediction: 1,
    status: broken ? 'adversarial' : 'not_found',
    adversarial: null,
    adversarial_prediction: broken ? 2 : null,
    target: null,
    distances: broken ? { l0: 10, l1: 3, l2: j.l2, linf: 0.1 } : null,
    message: null,
    region: null,
    time_ms: j.timeS * 1000,
    cost: { forward: j.forward / j.broken.length, gradient: 0, solver_calls: 0 },
    claims: [],
    details: {},
  }));
}

function row(j: FixtureJob): Record<string, string | number> {
  const adversarial = j.broken.filter(Boolean).length;
  const attacked = j.broken.length;
  const distance = adversarial === 0 ? '' : undefined;
  return {
    dataset: 'mnist', split: 'test', model: j.model, attack: j.attack, params: j.params, threat: j.threat,
    samples: attacked, attacked, adversarial, invalid: 0, not_found: attacked - adversarial, robust: 0, errors: 0, timeouts: 0, skipped: 0,
    success_rate: Number(((100 * adversarial) / attacked).toFixed(2)),
    mean_l0: distance ?? 10, mean_l1: distance ?? 3, mean_l2: distance ?? j.l2, mean_linf: distance ?? 0.1,
    mean_time_s: j.timeS, forward_passes: j.forward, gradient_calls: 0, solver_calls: 0, pielou: adversarial === 0 ? '' : 0, job: j.job,
  };
}

export function writeFixtureRun(dir: string, jobs: readonly FixtureJob[], options: { samples?: boolean } = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'leaderboard.csv'), stringify(jobs.map(row), { header: true, columns: [...LEADERBOARD_COLUMNS] }));
  if (options.samples ?? true) writeFileSync(join(dir, 'samples.jsonl'), jobs.flatMap(records).map((r) => JSON.stringify(r) + '\n').join(''));
  return dir;
}
