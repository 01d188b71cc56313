// Plots read off the leaderboard, for whatever jobs and columns it has: success rate per attack and
// model, success against budget where one attack ran at several budgets, and one chart per column a
// plugin adds (coverage, contradictions, …), so plugins added later appear without code here.
import { jobLabels } from '../results/job-label.js';
import { LEADERBOARD_COLUMNS } from '../results/leaderboard.js';
import type { ReadLeaderboard, ReadRow } from '../results/leaderboard-read.js';
import { PLOT_WIDTH, SCHEMA, type Plot } from './plot.js';

const V1_COLUMNS = new Set<string>(LEADERBOARD_COLUMNS);

function successRatePlot(rows: readonly ReadRow[]): Plot | undefined {
  const values = rows.flatMap((r) => (typeof r.cells.success_rate === 'number' ? [{ attack: `${r.attack} · ${r.threat}`, model: r.model, success: r.cells.success_rate }] : []));
  if (values.length === 0) return undefined;
  const models = new Set(values.map((v) => v.model)).size;
  return {
    title: 'Success rate per attack and model',
    caption: 'Validated adversarials as a share of the attacked (correctly classified) samples.',
    spec: {
      $schema: SCHEMA,
      data: { values },
      mark: { type: 'bar', tooltip: true },
      // the step is one attack's slot, which holds one bar per model
      width: { step: Math.max(36, 16 * models + 8) },
      height: 260,
      encoding: {
        x: { field: 'attack', type: 'nominal', title: null, axis: { labelAngle: -35, labelLimit: 200 } },
        xOffset: { field: 'model', type: 'nominal' },
        y: { field: 'success', type: 'quantitative', title: 'success rate (%)', scale: { domain: [0, 100] } },
        color: { field: 'model', type: 'nominal', title: 'model' },
      },
    },
  };
}

/** `linf<=0.1` → ['linf', 0.1]; unbounded threats have no budget. */
function budgetOf(threat: string): [string, number] | undefined {
  const match = /^(l0|l1|l2|linf)<=(.+)$/.exec(threat);
  return match === null || !Number.isFinite(Number(match[2])) ? undefined : [match[1], Number(match[2])];
}

function successVersusBudgetPlots(rows: readonly ReadRow[]): Plot[] {
  const series = new Map<string, { norm: string; points: { budget: number; success: number }[] }>();
  for (const r of rows) {
    const budget = budgetOf(r.threat);
    if (budget === undefined || typeof r.cells.success_rate !== 'number') continue;
    const key = `${r.attack} on ${r.model}`;
    const entry = series.get(`${key}|${budget[0]}`) ?? { norm: budget[0], points: [] };
    entry.points.push({ budget: budget[1], success: r.cells.success_rate });
    series.set(`${key}|${budget[0]}`, entry);
  }
  const byNorm = new Map<string, { series: string; budget: number; success: number }[]>();
  for (const [key, { norm, points }] of series) {
    if (new Set(points.map((p) => p.budget)).size < 2) continue;
    const list = byNorm.get(norm) ?? [];
    list.push(...points.map((p) => ({ series: key.slice(0, key.lastIndexOf('|')), ...p })));
    byNorm.set(norm, list);
  }
  return [...byNorm].map(([norm, values]) => ({
    title: `Success rate against the ${norm} budget`,
    caption: `Attacks that ran at several ${norm} budgets on the same model: how success grows with the budget.`,
    spec: {
      $schema: SCHEMA,
      data: { values },
      mark: { type: 'line', point: true, tooltip: true },
      width: PLOT_WIDTH,
      height: 260,
      encoding: {
        x: { field: 'budget', type: 'quantitative', title: `${norm} budget` },
        y: { field: 'success', type: 'quantitative', title: 'success rate (%)', scale: { domain: [0, 100] } },
        color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 360 } },
      },
    },
  }));
}

/** Horizontal bars, one row per job (in leaderboard order), with the given x (and colour) encodings. */
function perJobBars(values: readonly Record<string, unknown>[], encoding: Record<string, unknown>): Plot['spec'] {
  return {
    $schema: SCHEMA,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    width: 360,
    height: { step: 18 },
    encoding: { y: { field: 'job', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } }, ...encoding },
  };
}

/** adv_class_<c>: where each job's adversarials land, one stacked bar per job instead of a chart per class. */
const CLASS_COLUMN = /^adv_class_(\d+)$/;

function classPlot(leaderboard: ReadLeaderboard): Plot[] {
  const labels = jobLabels(leaderboard.rows);
  const values = leaderboard.rows.flatMap((r) =>
    leaderboard.columns.flatMap((column) => {
      const match = CLASS_COLUMN.exec(column);
      const count = r.cells[column];
      return match !== null && typeof count === 'number' && count > 0 ? [{ job: labels.get(r.job) ?? r.job, class: match[1], count }] : [];
    }),
  );
  if (values.length === 0) return [];
  return [
    {
      title: 'Classes the adversarials land in',
      caption: 'Validated adversarials per predicted class, per job (output impartiality: Pielou is the evenness of these bars).',
      spec: perJobBars(values, { x: { field: 'count', type: 'quantitative', stack: 'zero', title: 'adversarials' }, color: { field: 'class', type: 'nominal', title: 'class' } }),
    },
  ];
}

function pluginColumnPlots(leaderboard: ReadLeaderboard): Plot[] {
  const labels = jobLabels(leaderboard.rows);
  return leaderboard.columns
    .filter((column) => !V1_COLUMNS.has(column) && !CLASS_COLUMN.test(column))
    .flatMap((column): Plot[] => {
      const values = leaderboard.rows.flatMap((r) => (typeof r.cells[column] === 'number' ? [{ job: labels.get(r.job) ?? r.job, value: r.cells[column] }] : []));
      if (values.length === 0) return [];
      return [
        {
          title: column,
          caption: `The leaderboard column '${column}' (a run metric or a plugin's), per job that has it.`,
          spec: perJobBars(values, { x: { field: 'value', type: 'quantitative', title: column } }),
        },
      ];
    });
}

export function leaderboardPlots(leaderboard: ReadLeaderboard): Plot[] {
  const success = successRatePlot(leaderboard.rows);
  return [...(success === undefined ? [] : [success]), ...successVersusBudgetPlots(leaderboard.rows), ...classPlot(leaderboard), ...pluginColumnPlots(leaderboard)];
}
