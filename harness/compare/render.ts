// A comparison written out three ways: a terminal table of what moved, compare.md with everything,
// and compare.csv for tools (one row per job and metric).
import { stringify } from 'csv-stringify/sync';
import { jobLabel, jobLabels } from '../results/job-label.js';
import type { ReadRow } from '../results/leaderboard-read.js';
import type { RunInfo } from '../results/run-info.js';
import { regressionCount, type Comparison, type JobComparison, type MetricComparison } from './compare-runs.js';
import type { Flips } from './flips.js';
import type { Value } from './verdict.js';

/** Labels unique across both runs' matched jobs, by the current run's job hash. */
function labeller(rows: readonly ReadRow[]): (row: ReadRow) => string {
  const labels = jobLabels(rows);
  return (row) => labels.get(row.job) ?? jobLabel(row, true);
}

function value(v: Value): string {
  if (v === null) return '—';
  return typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(6))) : String(v);
}

function delta(m: MetricComparison): string {
  if (m.delta === null) return '';
  return `${m.delta > 0 ? '+' : ''}${value(m.delta)}`;
}

const VERDICT_TEXT: Record<MetricComparison['verdict'], string> = { same: 'same', ok: 'ok', improved: 'improved', regression: 'REGRESSION', changed: 'changed' };

function indices(list: readonly number[], limit: number): string {
  if (list.length === 0) return '0';
  const shown = list.slice(0, limit).join(', ');
  return `${list.length} (${shown}${list.length > limit ? ', …' : ''})`;
}

function runLine(label: string, dir: string, info: RunInfo | undefined): string {
  if (info === undefined) return `${label} ${dir}`;
  const kernels = info.backend === 'wasm' && info.kernels !== undefined ? ` (kernels: ${info.kernels})` : '';
  return `${label} ${dir} (${info.name}, ${info.status}, commit ${info.git_commit ?? 'unknown'}, backend ${info.backend}${kernels}, ${info.started})`;
}

function alignedTable(rows: readonly string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

const METRIC_HEAD = ['job', 'metric', 'baseline', 'current', 'delta', 'tolerance', 'verdict'];
const FLIP_HEAD = ['job', 'paired', 'newly broken', 'newly robust', 'McNemar p'];

function metricCells(label: string, m: MetricComparison): string[] {
  return [label, m.metric, value(m.baseline), value(m.current), delta(m), m.tolerance, VERDICT_TEXT[m.verdict]];
}

function flipCells(label: string, f: Flips, limit: number): string[] {
  return [label, String(f.paired), indices(f.newlyBroken, limit), indices(f.newlyRobust, limit), value(Number(f.p.toPrecision(4)))];
}

function summaryLine(c: Comparison): string {
  const counts = new Map<string, number>();
  for (const job of c.jobs) for (const m of job.metrics) counts.set(m.verdict, (counts.get(m.verdict) ?? 0) + 1);
  const total = c.jobs.reduce((n, j) => n + j.metrics.length, 0);
  const parts = (['same', 'ok', 'improved', 'changed', 'regression'] as const).filter((v) => counts.has(v)).map((v) => `${counts.get(v)} ${v === 'ok' ? 'within tolerance' : v}`);
  const regressions = regressionCount(c);
  const jobs = `${c.jobs.length} jobs matched${c.missing.length > 0 ? `, ${c.missing.length} missing` : ''}${c.added.length > 0 ? `, ${c.added.length} new` : ''}`;
  return `${jobs}; ${total} metrics: ${parts.join(', ') || 'none'}. ${regressions === 0 ? 'No regression.' : `${regressions} regression(s).`}`;
}

function flipsOf(c: Comparison): { job: JobComparison; flips: Flips }[] {
  return c.jobs.flatMap((job) => (job.flips === undefined ? [] : [{ job, flips: job.flips }]));
}

export function comparisonText(c: Comparison): string {
  const label = labeller(c.jobs.map((j) => j.current));
  const lines = [runLine('baseline:', c.baseline.dir, c.baseline.info), runLine('current: ', c.current.dir, c.current.info)];
  for (const warning of c.warnings) lines.push(`warning: ${warning}`);
  const moved = c.jobs.flatMap((job) => job.metrics.filter((m) => m.verdict !== 'same').map((m) => metricCells(label(job.current), m)));
  lines.push('');
  lines.push(moved.length === 0 ? 'every compared metric is identical' : alignedTable([METRIC_HEAD, ...moved]));
  const flipped = flipsOf(c).filter(({ flips }) => flips.newlyBroken.length + flips.newlyRobust.length > 0);
  const paired = flipsOf(c).length;
  if (paired > 0) {
    lines.push('');
    lines.push(
      flipped.length === 0
        ? `samples: no sample flipped in the ${paired} jobs with samples.jsonl on both sides`
        : `samples that flipped (success = validated adversarial):\n${alignedTable([FLIP_HEAD, ...flipped.map(({ job, flips }) => flipCells(label(job.current), flips, 10))])}`,
    );
  }
  for (const row of c.missing) lines.push(`missing in current: ${jobLabel(row, true)} (job ${row.job})`);
  for (const row of c.added) lines.push(`new in current: ${jobLabel(row, true)} (job ${row.job})`);
  lines.push('', summaryLine(c));
  return lines.join('\n');
}

function markdownTable(rows: readonly string[][]): string {
  const escape = (s: string): string => s.replace(/\|/g, '\\|');
  const [head, ...body] = rows;
  return [`| ${head.map(escape).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
}

export function comparisonMarkdown(c: Comparison): string {
  const label = labeller(c.jobs.map((j) => j.current));
  const out = ['# gauntlet compare', '', `- ${runLine('baseline:', c.baseline.dir, c.baseline.info)}`, `- ${runLine('current:', c.current.dir, c.current.info)}`];
  for (const warning of c.warnings) out.push(`- warning: ${warning}`);
  out.push('', `**${summaryLine(c)}**`, '', '## Metrics', '');
  const rows = c.jobs.flatMap((job) => job.metrics.map((m) => metricCells(label(job.current), m)));
  out.push(rows.length === 0 ? 'No job in common.' : markdownTable([METRIC_HEAD, ...rows]));
  const paired = flipsOf(c);
  if (paired.length > 0) {
    out.push('', '## Samples that flipped', '', 'Success = a validated adversarial. McNemar: exact two-sided test on the flipped samples.', '');
    out.push(markdownTable([FLIP_HEAD, ...paired.map(({ job, flips }) => flipCells(label(job.current), flips, Infinity))]));
  }
  if (c.missing.length + c.added.length > 0) {
    out.push('', '## Jobs in one run only', '');
    for (const row of c.missing) out.push(`- missing in current: ${jobLabel(row, true)} (job ${row.job})`);
    for (const row of c.added) out.push(`- new in current: ${jobLabel(row, true)} (job ${row.job})`);
  }
  return out.join('\n') + '\n';
}

export function comparisonCsv(c: Comparison): string {
  const key = (r: ReadRow) => ({ dataset: r.dataset, split: r.split, model: r.model, attack: r.attack, params: r.params, threat: r.threat });
  const rows: Record<string, string | number>[] = [];
  const cell = (v: Value): string | number => v ?? '';
  for (const job of c.jobs) {
    const ids = { ...key(job.current), job_baseline: job.baseline.job, job_current: job.current.job };
    for (const m of job.metrics) {
      rows.push({ ...ids, metric: m.metric, baseline: cell(m.baseline), current: cell(m.current), delta: m.delta ?? '', tolerance: m.tolerance, verdict: m.verdict });
    }
    if (job.flips !== undefined) {
      const f = job.flips;
      const info = (metric: string, current: number | string) => ({ ...ids, metric, baseline: '', current, delta: '', tolerance: '', verdict: 'info' });
      rows.push(info('paired_samples', f.paired), info('newly_broken', f.newlyBroken.join(' ')), info('newly_robust', f.newlyRobust.join(' ')), info('mcnemar_p', f.p));
    }
  }
  for (const row of c.missing) rows.push({ ...key(row), job_baseline: row.job, job_current: '', metric: '', baseline: '', current: '', delta: '', tolerance: '', verdict: 'missing' });
  for (const row of c.added) rows.push({ ...key(row), job_baseline: '', job_current: row.job, metric: '', baseline: '', current: '', delta: '', tolerance: '', verdict: 'new' });
  const columns = ['dataset', 'split', 'model', 'attack', 'params', 'threat', 'job_baseline', 'job_current', 'metric', 'baseline', 'current', 'delta', 'tolerance', 'verdict'];
  return stringify(rows, { header: true, columns });
}
