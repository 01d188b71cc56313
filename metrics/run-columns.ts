// What the runner adds to the leaderboard once every job is done: the claims ledger's files and
// columns, and the metric columns. Both read the whole run, which no single job sees.
import { LEADERBOARD_COLUMNS, type LeaderboardRow } from '../harness/results/leaderboard.js';
import type { SampleRecord } from '../harness/results/record.js';
import { runLedger } from '../harness/ledger/ledger.js';
import { GAP_COLUMNS } from '../harness/ledger/brackets.js';
import type { Contradiction } from '../harness/ledger/contradictions.js';
import { CRITERIA } from './coverage/criterion.js';
import { jobMetrics, type JobData } from './job-metrics.js';

export interface RunColumnsInput {
  outDir: string;
  /** every job of the run, with its model under attack and its split */
  jobs: readonly Omit<JobData, 'records'>[];
  records: readonly SampleRecord[];
}

export interface RunColumns {
  /** the rows, each with the ledger's and the metrics' columns right after the v1 columns */
  rows: LeaderboardRow[];
  contradictions: Contradiction[];
}

/** The columns every row gets, in this order, followed by adv_class_<c> for each class of the dataset. */
export const RUN_COLUMNS = ['fid', 'transferability', 'quantisation_survival', 'contradictions', ...GAP_COLUMNS, ...CRITERIA] as const;

export async function addRunColumns(rows: readonly LeaderboardRow[], input: RunColumnsInput): Promise<RunColumns> {
  const classes = new Map(input.jobs.map((job) => [job.data.name, job.data.numClasses]));
  const ledger = runLedger({
    outDir: input.outDir,
    jobs: input.jobs.map((job) => job.job.hash),
    records: input.records,
    numClasses: (dataset) => classes.get(dataset) as number,
  });
  const byJob = new Map<string, SampleRecord[]>(input.jobs.map((job) => [job.job.hash, []]));
  for (const record of input.records) byJob.get(record.job)?.push(record);
  const metrics = await jobMetrics(input.jobs.map((job) => ({ ...job, records: byJob.get(job.job.hash) as SampleRecord[] })));
  return {
    rows: rows.map((row) => withColumns(row, { ...metrics.get(String(row.job)), ...ledger.columns.get(String(row.job)) })),
    contradictions: ledger.contradictions,
  };
}

/** The v1 columns, then the run's (RUN_COLUMNS first), then the plugin's, which must not redefine the run's. */
function withColumns(row: LeaderboardRow, added: Record<string, string | number>): LeaderboardRow {
  const v1 = new Set<string>(LEADERBOARD_COLUMNS);
  const plugin = Object.entries(row).filter(([key]) => !v1.has(key));
  const clash = plugin.find(([key]) => key in added);
  if (clash !== undefined) throw new Error(`plugin ${row.attack} redefines the leaderboard column '${clash[0]}', which the run computes`);
  const first = new Set<string>(RUN_COLUMNS);
  return {
    ...Object.fromEntries(LEADERBOARD_COLUMNS.map((key) => [key, row[key]])),
    ...Object.fromEntries(RUN_COLUMNS.map((key) => [key, added[key]])),
    ...Object.fromEntries(Object.entries(added).filter(([key]) => !first.has(key))),
    ...Object.fromEntries(plugin),
  } as LeaderboardRow;
}
