// Everything of a run directory a report shows: run.json, config.yaml, the leaderboard, the records,
// and the files plugins left (artifacts/<job>/*.csv|png, and CSVs the harness writes beside the leaderboard).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { UserError } from '../errors.js';
import { RUN_FILES } from '../runner.js';
import { readLeaderboard, type ReadLeaderboard } from '../results/leaderboard-read.js';
import type { SampleRecord } from '../results/record.js';
import { readRecords } from '../results/records-file.js';
import { readRunInfo, type RunInfo } from '../results/run-info.js';

export interface ReportRun {
  dir: string;
  info: RunInfo | undefined;
  configText: string | undefined;
  leaderboard: ReadLeaderboard;
  records: SampleRecord[];
  /** per job hash: artifact files (absolute paths), sorted by name */
  artifacts: Map<string, string[]>;
  /** CSV files at the top of the run directory other than the leaderboard (e.g. brackets.csv) */
  runCsvs: string[];
}

/** Files the report itself or `gauntlet compare` may have written there: never plotted as run data. */
const OWN_CSVS = new Set([RUN_FILES.leaderboard, 'compare.csv']);

export function readReportRun(dir: string): ReportRun {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir}: no such directory; expected a gauntlet run directory`);
  const infoPath = join(dir, RUN_FILES.info);
  const configPath = join(dir, RUN_FILES.config);
  const artifacts = new Map<string, string[]>();
  const artifactRoot = join(dir, 'artifacts');
  if (existsSync(artifactRoot)) {
    for (const job of readdirSync(artifactRoot, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      const files = readdirSync(join(artifactRoot, job.name), { withFileTypes: true })
        .filter((e) => e.isFile() && ['.csv', '.png'].includes(extname(e.name).toLowerCase()))
        .map((e) => join(artifactRoot, job.name, e.name))
        .sort();
      artifacts.set(job.name, files);
    }
  }
  const runCsvs = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && extname(e.name).toLowerCase() === '.csv' && !OWN_CSVS.has(e.name))
    .map((e) => join(dir, e.name))
    .sort();
  return {
    dir,
    info: existsSync(infoPath) ? readRunInfo(infoPath) : undefined,
    configText: existsSync(configPath) ? readFileSync(configPath, 'utf8') : undefined,
    leaderboard: readLeaderboard(join(dir, RUN_FILES.leaderboard)),
    records: readRecords(join(dir, RUN_FILES.samples)).records,
    artifacts,
    runCsvs,
  };
}
