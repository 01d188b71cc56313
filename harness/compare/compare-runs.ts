// Baseline run against current run: jobs matched, every tolerated metric judged, samples paired.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean, UserError } from '../errors.js';
import { RUN_FILES } from '../runner.js';
import { readLeaderboard, type ReadLeaderboard, type ReadRow } from '../results/leaderboard-read.js';
import type { SampleRecord } from '../results/record.js';
import { readRecords } from '../results/records-file.js';
import { readRunInfo, type RunInfo } from '../results/run-info.js';
import { pairedFlips, type Flips } from './flips.js';
import { describeTolerance, type Tolerances } from './tolerances.js';
import { judge, type Value, type Verdict } from './verdict.js';

export interface RunSide {
  dir: string;
  info: RunInfo | undefined;
  leaderboard: ReadLeaderboard;
  /** records by job hash, when the run has a samples.jsonl */
  records: Map<string, SampleRecord[]> | undefined;
}

export interface MetricComparison {
  metric: string;
  baseline: Value;
  current: Value;
  /** current − baseline, when both are numbers */
  delta: number | null;
  tolerance: string;
  verdict: Verdict;
}

export interface JobComparison {
  baseline: ReadRow;
  current: ReadRow;
  metrics: MetricComparison[];
  /** when both runs have samples.jsonl */
  flips: Flips | undefined;
}

export interface Comparison {
  baseline: RunSide;
  current: RunSide;
  jobs: JobComparison[];
  /** jobs of the baseline the current run lacks (a regression: their checks no longer run) */
  missing: ReadRow[];
  /** jobs only the current run has */
  added: ReadRow[];
  warnings: string[];
}

export function readRunSide(dir: string): RunSide {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir}: no such directory; expected a gauntlet run directory (with ${RUN_FILES.leaderboard})`);
  const infoPath = join(dir, RUN_FILES.info);
  const samplesPath = join(dir, RUN_FILES.samples);
  let records: Map<string, SampleRecord[]> | undefined;
  if (existsSync(samplesPath)) {
    records = new Map();
    for (const record of readRecords(samplesPath).records) {
      const list = records.get(record.job);
      if (list === undefined) records.set(record.job, [record]);
      else list.push(record);
    }
  }
  return { dir, info: existsSync(infoPath) ? readRunInfo(infoPath) : undefined, leaderboard: readLeaderboard(join(dir, RUN_FILES.leaderboard)), records };
}

/** The same work in both runs: the same job hash, or else the same dataset, split, model, attack and params. */
function matchJobs(baseline: readonly ReadRow[], current: readonly ReadRow[]): { pairs: [ReadRow, ReadRow][]; missing: ReadRow[]; added: ReadRow[] } {
  const work = (r: ReadRow): string => JSON.stringify([r.dataset, r.split, r.model, r.attack, r.params]);
  const unmatched = new Set(current);
  const pairs: [ReadRow, ReadRow][] = [];
  const missing: ReadRow[] = [];
  for (const b of baseline) {
    const c = [...unmatched].find((r) => r.job === b.job) ?? [...unmatched].find((r) => work(r) === work(b));
    if (c === undefined) {
      missing.push(b);
      continue;
    }
    unmatched.delete(c);
    pairs.push([b, c]);
  }
  return { pairs, missing, added: [...unmatched] };
}

/** The tfjs backend and, on wasm, which kernels ran ('kernels unrecorded' for runs before the field). */
function engineOf(info: RunInfo): string {
  return info.backend === 'wasm' ? `wasm with ${info.kernels === undefined ? 'kernels unrecorded' : `kernels ${info.kernels}`}` : info.backend;
}

export function compareRuns(baseline: RunSide, current: RunSide, tolerances: Tolerances): Comparison {
  const warnings: string[] = [];
  if (baseline.info !== undefined && current.info !== undefined && baseline.info.config_hash !== current.info.config_hash) {
    warnings.push(`the runs come from different configs (hash ${baseline.info.config_hash} vs ${current.info.config_hash}); jobs are matched by what they run`);
  }
  if (baseline.info !== undefined && current.info !== undefined && engineOf(baseline.info) !== engineOf(current.info)) {
    warnings.push(
      `the runs used different engines (${engineOf(baseline.info)} vs ${engineOf(current.info)}): float32 sums differ in the last bits, ` +
        'which can flip a borderline sample, and times are not comparable',
    );
  }
  const columns = new Set([...baseline.leaderboard.columns, ...current.leaderboard.columns]);
  const metrics = [...tolerances.keys()].filter((metric) => columns.has(metric));
  for (const metric of tolerances.keys()) {
    if (!columns.has(metric)) warnings.push(`tolerance for '${metric}', which neither leaderboard has${didYouMean(metric, [...columns])}`);
  }
  const { pairs, missing, added } = matchJobs(baseline.leaderboard.rows, current.leaderboard.rows);
  const jobs = pairs.map(([b, c]): JobComparison => {
    const before = baseline.records?.get(b.job);
    const after = current.records?.get(c.job);
    return {
      baseline: b,
      current: c,
      metrics: metrics.map((metric) => {
        const tolerance = tolerances.get(metric)!;
        const x = b.cells[metric] ?? null;
        const y = c.cells[metric] ?? null;
        return {
          metric,
          baseline: x,
          current: y,
          delta: typeof x === 'number' && typeof y === 'number' ? Number((y - x).toPrecision(12)) : null,
          tolerance: describeTolerance(tolerance),
          verdict: judge(x, y, tolerance),
        };
      }),
      flips: before !== undefined && after !== undefined ? pairedFlips(before, after) : undefined,
    };
  });
  return { baseline, current, jobs, missing, added, warnings };
}

/** What makes `gauntlet compare` exit 1: a metric worse beyond its tolerance, or a baseline job gone. */
export function regressionCount(comparison: Comparison): number {
  const metrics = comparison.jobs.reduce((n, job) => n + job.metrics.filter((m) => m.verdict === 'regression').length, 0);
  return metrics + comparison.missing.length;
}
