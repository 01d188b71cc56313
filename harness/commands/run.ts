// `gauntlet run`: config → results directory, with Ctrl-C stopping cleanly after the chunk under way.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { plugins } from '../../attacks/registry.js';
import type { BackendChoice } from '../config/experiment.js';
import { configEnv } from './config-env.js';
import { loadExperimentFile } from '../config/load.js';
import { UserError } from '../errors.js';
import { createProgress } from '../progress.js';
import { RUN_FILES, runExperiment } from '../runner.js';
import type { Shard } from '../run-job.js';
import { formatSummary } from './summary.js';
import { describeContradiction, LEDGER_FILES } from '../ledger/ledger.js';

export interface RunArgs {
  config: string;
  out?: string;
  resume: boolean;
  backend?: BackendChoice;
  workers?: number;
  /** 'i/n' */
  shard?: string;
  /** exit with CONTRADICTION_EXIT when the claims ledger finds a contradiction */
  strict?: boolean;
}

/** Exit status of `run --strict` when plugins' claims contradict each other (2 is a user error, 130 an interrupt). */
export const CONTRADICTION_EXIT = 3;

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) throw new UserError(`--shard: got '${text}', expected i/n with 1 <= i <= n, e.g. 2/4`);
  return { index: index - 1, count };
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** The most recent results/<name>-<timestamp>/ that holds a run, for --resume without --out. */
function latestRunDir(name: string): string | undefined {
  if (!existsSync('results')) return undefined;
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{8}-\\d{6}$`);
  const dirs = readdirSync('results').filter((d) => pattern.test(d) && existsSync(join('results', d, RUN_FILES.info)));
  return dirs.sort().at(-1);
}

export async function runCommand(args: RunArgs): Promise<number> {
  if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 1)) {
    throw new UserError(`--workers: got ${args.workers}, expected a whole number >= 1`);
  }
  const shard = args.shard === undefined ? undefined : parseShard(args.shard);
  const experiment = loadExperimentFile(args.config, configEnv());
  let outDir = args.out;
  if (outDir === undefined && args.resume) {
    const latest = latestRunDir(experiment.name);
    if (latest === undefined) throw new UserError(`--resume: no earlier run of '${experiment.name}' under results/; give its directory with --out`);
    outDir = join('results', latest);
  }
  outDir ??= join('results', `${experiment.name}-${timestamp(new Date())}${shard === undefined ? '' : `-shard${shard.index + 1}of${shard.count}`}`);

  const progress = createProgress();
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    progress.log(`\n${signal}: stopping after the chunk under way (again to quit at once); resume with: gauntlet run ${args.config} --resume --out ${outDir}`);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runExperiment(experiment, {
      configFile: args.config,
      outDir,
      resume: args.resume,
      backend: args.backend,
      workers: args.workers,
      shard,
      plugins,
      progress,
      interrupt: controller.signal,
    });
    process.stdout.write(formatSummary(result.rows) + '\n');
    process.stdout.write(`backend ${result.info.backend}${result.info.kernels !== undefined && result.info.backend === 'wasm' ? ` (kernels: ${result.info.kernels})` : ''}, ${result.info.workers} worker(s); results in ${outDir}/ (${RUN_FILES.samples}, ${RUN_FILES.leaderboard})\n`);
    process.stdout.write(ledgerSummary(result.contradictions.map(describeContradiction), join(outDir, LEDGER_FILES.contradictions)));
    if (result.info.status === 'interrupted') return 130;
    return args.strict === true && result.contradictions.length > 0 ? CONTRADICTION_EXIT : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Contradictions are shown whatever the exit status: a wrong bound or a wrong adversarial is news. */
function ledgerSummary(lines: readonly string[], file: string): string {
  if (lines.length === 0) return 'claims ledger: no contradictions\n';
  const shown = 10;
  const more = lines.length > shown ? [`… and ${lines.length - shown} more`] : [];
  return [`claims ledger: ${lines.length} contradiction(s), listed in ${file}:`, ...lines.slice(0, shown).map((line) => `  ${line}`), ...more].join('\n') + '\n';
}
