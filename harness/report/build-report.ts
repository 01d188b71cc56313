// Gathers a report's content from a run directory: the leaderboard, plots of everything plottable in
// it, and per job a few adversarials beside their originals.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { jobLabels } from '../results/job-label.js';
import { LEADERBOARD_COLUMNS } from '../results/leaderboard.js';
import type { ReadRow } from '../results/leaderboard-read.js';
import type { SampleRecord } from '../results/record.js';
import { csvPlot } from './csv-plot.js';
import { csvTable, type CsvTable } from './csv-table.js';
import { distancePlots } from './distance-plots.js';
import { leaderboardPlots } from './leaderboard-plots.js';
import type { Plot } from './plot.js';
import type { JobSection, Picture, RenderedPlot, ReportContent, SampleFigure } from './report-content.js';
import type { ReportRun } from './report-run.js';
import { jobImages } from './sample-images.js';
import { isolateIds, renderSvg } from './svg-plot.js';

export interface BuildOptions {
  /** validated adversarials drawn per job */
  imagesPerJob: number;
  /** artifact files (CSV plots, PNGs) shown per job; a plugin may leave one per sample */
  artifactsPerJob: number;
}

const ASSETS = 'report-assets';
/** rows of a run-wide CSV shown as a table; the file has them all */
const TABLE_ROWS = 50;

/** The columns a reader scans first; the rest stay in leaderboard.csv. Plugin columns are kept. */
const TABLE_COLUMNS = ['model', 'attack', 'threat', 'attacked', 'adversarial', 'invalid', 'errors', 'timeouts', 'success_rate', 'mean_l0', 'mean_l2', 'mean_linf', 'mean_time_s', 'forward_passes', 'gradient_calls', 'solver_calls', 'pielou'];

function cellText(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(4))) : String(value);
}

function leaderboardTable(run: ReportRun): ReportContent['table'] {
  const v1 = new Set<string>(LEADERBOARD_COLUMNS);
  const datasets = new Set(run.leaderboard.rows.map((r) => `${r.dataset}/${r.split}`));
  const head = [...(datasets.size > 1 ? ['dataset'] : []), ...TABLE_COLUMNS.filter((c) => run.leaderboard.columns.includes(c)), ...run.leaderboard.columns.filter((c) => !v1.has(c))];
  return { head, rows: run.leaderboard.rows.map((r) => head.map((c) => (c === 'dataset' ? `${r.dataset}/${r.split}` : cellText(r.cells[c])))) };
}

function jobSummary(row: ReadRow): string {
  const c = row.cells;
  const success = c.success_rate === null ? '' : ` (${cellText(c.success_rate)}%)`;
  const parts = [`${cellText(c.attacked)} attacked`, `${cellText(c.adversarial)} adversarial${success}`, `${cellText(c.invalid)} invalid`];
  for (const [key, word] of [['robust', 'robust'], ['errors', 'errors'], ['timeouts', 'timeouts'], ['skipped', 'skipped (misclassified)']] as const) {
    if (typeof c[key] === 'number' && c[key] > 0) parts.push(`${c[key]} ${word}`);
  }
  return parts.join(', ');
}

class PlotRenderer {
  private count = 0;

  async render(plot: Plot): Promise<RenderedPlot> {
    const n = ++this.count;
    const svg = await renderSvg(plot.spec);
    return { title: plot.title, caption: plot.caption, svg: isolateIds(svg, `plot${n}`), asset: { file: `${ASSETS}/plot-${n}.svg`, bytes: Buffer.from(svg) } };
  }
}

async function jobSection(row: ReadRow, label: string, records: readonly SampleRecord[], files: readonly string[], plots: PlotRenderer, options: BuildOptions): Promise<JobSection> {
  const notes: string[] = [];
  const drawn = await jobImages(records, options.imagesPerJob);
  if (drawn.note !== undefined) notes.push(drawn.note);
  const samples = drawn.images.map((sample): SampleFigure => {
    const stem = `${ASSETS}/${row.job}-${sample.index}`;
    return {
      sample,
      original: { file: `${stem}-original.png`, bytes: sample.original },
      adversarial: { file: `${stem}-adversarial.png`, bytes: sample.adversarial },
      difference: { file: `${stem}-difference.png`, bytes: sample.difference },
    };
  });
  const shown = files.slice(0, options.artifactsPerJob);
  if (files.length > shown.length) notes.push(`${files.length - shown.length} more artifact file(s) in artifacts/${row.job}/ are not shown`);
  const jobPlots: RenderedPlot[] = [];
  const pictures: Picture[] = [];
  for (const file of shown) {
    const name = basename(file);
    if (extname(name).toLowerCase() === '.png') {
      pictures.push({ title: name, asset: { file: `${ASSETS}/${row.job}-${name}`, bytes: readFileSync(file) } });
      continue;
    }
    const plot = csvPlot(file, `${name} — ${label}`);
    if (plot === undefined) notes.push(`artifacts/${row.job}/${name} has nothing to plot`);
    else jobPlots.push(await plots.render(plot));
  }
  return { job: row.job, label, params: row.params, summary: jobSummary(row), samples, plots: jobPlots, pictures, notes };
}

export async function buildReport(run: ReportRun, options: BuildOptions): Promise<ReportContent> {
  const labels = jobLabels(run.leaderboard.rows);
  const labelOf = (job: string): string => labels.get(job) ?? job;
  const plots = new PlotRenderer();
  const overview: RenderedPlot[] = [];
  for (const plot of [...leaderboardPlots(run.leaderboard), ...distancePlots(run.records, labelOf)]) overview.push(await plots.render(plot));
  const runPlots: RenderedPlot[] = [];
  const runTables: CsvTable[] = [];
  for (const file of run.runCsvs) {
    const plot = csvPlot(file, basename(file), { boundsOnly: true });
    const table = plot === undefined ? csvTable(file, basename(file), TABLE_ROWS) : undefined;
    if (plot !== undefined) runPlots.push(await plots.render(plot));
    if (table !== undefined) runTables.push(table);
  }
  const recordsOf = new Map<string, SampleRecord[]>();
  for (const r of run.records) {
    const list = recordsOf.get(r.job);
    if (list === undefined) recordsOf.set(r.job, [r]);
    else list.push(r);
  }
  const jobs: JobSection[] = [];
  for (const row of run.leaderboard.rows) {
    jobs.push(await jobSection(row, labelOf(row.job), recordsOf.get(row.job) ?? [], run.artifacts.get(row.job) ?? [], plots, options));
  }
  const info = run.info;
  const facts: [string, string][] =
    info === undefined
      ? [['run', run.dir]]
      : [
          ['run', run.dir],
          ['status', info.status],
          ['config', `${info.config_file} (hash ${info.config_hash}, seed ${info.seed})`],
          ['gauntlet', `${info.gauntlet_version}, commit ${info.git_commit ?? 'unknown'}`],
          ['backend', `${info.backend}, ${info.workers} worker(s), ${info.cores} cores, node ${info.node}, ${info.platform}`],
          ['time', `${info.started} → ${info.ended ?? 'not ended'}${info.sessions.length > 1 ? ` (${info.sessions.length} sessions)` : ''}`],
        ];
  return { title: `gauntlet report: ${info?.name ?? basename(run.dir)}`, facts, configText: run.configText, table: leaderboardTable(run), plots: overview, runPlots, runTables, jobs };
}
