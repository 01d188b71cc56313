// leaderboard.csv, contract v1: one row per job, computed only from validated records.
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { canonicalJson } from '../canonical-json.js';
import { modelRefName } from '../config/experiment.js';
import type { Job } from '../plan.js';
import type { ThreatModel } from '../types.js';
import { pielou } from '../../metrics/pielou.js';
import type { SampleRecord } from './record.js';

export const LEADERBOARD_COLUMNS = [
  'dataset', 'split', 'model', 'attack', 'params', 'threat',
  'samples', 'attacked', 'adversarial', 'invalid', 'not_found', 'robust', 'errors', 'timeouts', 'skipped',
  'success_rate', 'mean_l0', 'mean_l1', 'mean_l2', 'mean_linf', 'mean_time_s',
  'forward_passes', 'gradient_calls', 'solver_calls', 'pielou', 'job',
] as const;

/** The v1 columns, then whatever columns the job's plugin adds (its `leaderboard` hook). */
export type LeaderboardRow = Record<(typeof LEADERBOARD_COLUMNS)[number], string | number> & Record<string, string | number>;

export function describeThreat(threat: ThreatModel): string {
  return threat.norm === 'unbounded' ? 'unbounded' : `${threat.norm}<=${threat.budget}`;
}

function mean(values: readonly number[]): number | '' {
  return values.length === 0 ? '' : round(values.reduce((a, b) => a + b, 0) / values.length);
}

function round(value: number, digits = 6): number {
  return Number(value.toFixed(digits));
}

export function leaderboardRow(job: Job, numClasses: number, records: readonly SampleRecord[]): LeaderboardRow {
  const count = (status: SampleRecord['status']): number => records.filter((r) => r.status === status).length;
  const adversarial = records.filter((r) => r.status === 'adversarial');
  const attacked = records.length - count('skipped');
  const attackedRecords = records.filter((r) => r.status !== 'skipped');
  const sum = (f: (r: SampleRecord) => number): number => round(records.reduce((a, r) => a + f(r), 0), 3);
  const evenness = pielou(adversarial.map((r) => r.adversarial_prediction as number), numClasses).evenness;
  return {
    dataset: job.data.dataset,
    split: job.data.split,
    model: modelRefName(job.model),
    attack: job.attack.id,
    params: canonicalJson(job.attack.params),
    threat: describeThreat(job.plugin.threat(job.attack.params)),
    samples: records.length,
    attacked,
    adversarial: adversarial.length,
    invalid: count('invalid'),
    not_found: count('not_found'),
    robust: count('robust'),
    errors: count('error'),
    timeouts: count('timeout'),
    skipped: count('skipped'),
    success_rate: attacked === 0 ? '' : round((100 * adversarial.length) / attacked, 2),
    mean_l0: mean(adversarial.map((r) => r.distances?.l0 ?? 0)),
    mean_l1: mean(adversarial.map((r) => r.distances?.l1 ?? 0)),
    mean_l2: mean(adversarial.map((r) => r.distances?.l2 ?? 0)),
    mean_linf: mean(adversarial.map((r) => r.distances?.linf ?? 0)),
    mean_time_s: mean(attackedRecords.map((r) => r.time_ms / 1000)),
    forward_passes: sum((r) => r.cost.forward),
    gradient_calls: sum((r) => r.cost.gradient),
    solver_calls: sum((r) => r.cost.solver_calls),
    pielou: evenness === null ? '' : round(evenness, 4),
    job: job.hash,
    ...pluginColumns(job, records),
  };
}

function pluginColumns(job: Job, records: readonly SampleRecord[]): Record<string, string | number> {
  const extra = job.plugin.leaderboard(records, job.attack.params);
  const clash = Object.keys(extra).find((key) => (LEADERBOARD_COLUMNS as readonly string[]).includes(key));
  if (clash !== undefined) throw new Error(`plugin ${job.plugin.id} redefines the leaderboard column '${clash}'`);
  return extra;
}

export function writeLeaderboard(path: string, rows: readonly LeaderboardRow[]): void {
  const columns: string[] = [...LEADERBOARD_COLUMNS];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  writeFileSync(path, stringify(rows as LeaderboardRow[], { header: true, columns }));
}
