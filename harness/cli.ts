// The `gauntlet` command line. Every user-facing failure is one line on stderr and a non-zero exit.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BACKENDS, type BackendChoice } from './config/experiment.js';
import { UserError } from './errors.js';
import { listCommand } from './commands/list.js';
import { runCommand } from './commands/run.js';
import { trainCommandLine } from './commands/train.js';
import { validateCommand } from './commands/validate.js';
import { benchCommand } from './commands/bench.js';
import { BENCH_SECTIONS } from './bench/sections.js';
import { DEFAULT_TRAIN_SEED } from './zoo/train.js';
import { mergeCommand } from './commands/merge.js';
import { compareCommand } from './commands/compare.js';
import { reportCommand } from './commands/report.js';
import { newAttackCommand } from './commands/new.js';

function fail(error: unknown): never {
  if (error instanceof UserError) {
    process.stderr.write(`gauntlet: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`gauntlet: internal error: ${message}\n`);
  if (process.env.GAUNTLET_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('gauntlet: set GAUNTLET_DEBUG=1 for the stack trace\n');
  process.exit(1);
}

const backendOption = { choices: BACKENDS, describe: 'tfjs backend (overrides the config): auto picks the fastest that loads' } as const;

try {
  await yargs(hideBin(process.argv))
    .scriptName('gauntlet')
    .usage('$0 <command> [options]')
    .command(
      'run <config>',
      'run an experiment and write results/<name>-<time>/',
      (y) =>
        y
          .positional('config', { type: 'string', demandOption: true, describe: 'YAML experiment file' })
          .option('out', { type: 'string', describe: 'output directory (default results/<name>-<timestamp>)' })
          .option('resume', { type: 'boolean', default: false, describe: 'continue a run: skip samples already recorded (latest run of this config unless --out)' })
          .option('backend', backendOption)
          .option('workers', { type: 'number', describe: 'model worker threads (default: one per core on wasm/cpu); records do not depend on it' })
          .option('shard', { type: 'string', describe: 'i/n: run only part i of n of the work (join the parts with gauntlet merge)' })
          .option('strict', { type: 'boolean', default: false, describe: 'exit with status 3 when plugins\' claims contradict each other (see contradictions.csv)' }),
      async (argv) => {
        process.exitCode = await runCommand({
          config: argv.config,
          out: argv.out,
          resume: argv.resume,
          backend: argv.backend as BackendChoice | undefined,
          workers: argv.workers,
          shard: argv.shard,
          strict: argv.strict,
        });
      },
    )
    .command(
      'validate <config>',
      'check an experiment file without running it',
      (y) => y.positional('config', { type: 'string', demandOption: true }),
      (argv) => validateCommand(argv.config),
    )
    .command('list', 'list datasets, zoo models and attack plugins with their params', {}, () => listCommand())
    .command(
      'train <names..>',
      'train zoo models (names or "all") deterministically, one per worker thread, into models/<name>/',
      (y) =>
        y
          .positional('names', { type: 'string', array: true, demandOption: true })
          .option('seed', { type: 'number', default: DEFAULT_TRAIN_SEED, describe: 'training seed (the committed zoo used the default)' })
          .option('epochs', { type: 'number', describe: 'override the epochs of each model' })
          .option('backend', backendOption)
          .option('workers', { type: 'number', describe: 'models trained at once, one per worker thread (default: one per core on wasm/cpu); weights do not depend on it' })
          .option('out', { type: 'string', describe: 'zoo folder to write <name>/ into (default: models/, the committed zoo)' }),
      async (argv) => {
        process.exitCode = await trainCommandLine({
          names: argv.names,
          seed: argv.seed,
          epochs: argv.epochs,
          backend: (argv.backend ?? 'auto') as BackendChoice,
          workers: argv.workers,
          out: argv.out,
        });
      },
    )
    .command(
      'bench',
      'measure engine throughput beside PyTorch and plugin speed; writes results/bench/latest.csv',
      (y) =>
        y
          .option('backend', backendOption)
          .option('runs', { type: 'number', default: 5, describe: 'repetitions per figure' })
          .option('workers', { type: 'number', describe: 'model worker threads (default: one per core on wasm/cpu)' })
          .option('only', {
            type: 'string',
            describe: `run only these sections, comma-separated (${BENCH_SECTIONS.map((s) => s.id).join(', ')}); other sections' rows in latest.csv are kept`,
          }),
      async (argv) => {
        const only = argv.only === undefined ? undefined : argv.only.split(',').map((s) => s.trim()).filter((s) => s !== '');
        await benchCommand({ backend: (argv.backend ?? 'auto') as BackendChoice, runs: argv.runs, workers: argv.workers, only });
      },
    )
    .command(
      'merge <dirs..>',
      'join the directories of gauntlet run --shard 1/n … n/n into one run directory',
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'shard directories' })
          .option('out', { type: 'string', demandOption: true, describe: 'directory for the merged run (new)' }),
      async (argv) => {
        process.exitCode = await mergeCommand({ dirs: argv.dirs, out: argv.out });
      },
    )
    .command(
      'compare <baseline> <current>',
      'compare two runs metric by metric against tolerances; exit 1 on a regression',
      (y) =>
        y
          .positional('baseline', { type: 'string', demandOption: true, describe: 'run directory to compare against (e.g. results/baseline)' })
          .positional('current', { type: 'string', demandOption: true, describe: 'run directory to check' })
          .option('tolerances', { type: 'string', describe: 'YAML file of per-metric tolerances (default: built in; see configs/tolerances.yaml)' })
          .option('out', { type: 'string', describe: 'write compare.md and compare.csv into this directory' }),
      (argv) => {
        process.exitCode = compareCommand({ baseline: argv.baseline, current: argv.current, tolerances: argv.tolerances, out: argv.out });
      },
    )
    .command(
      'report <run>',
      'write report.html (self-contained) and report.md for a run directory',
      (y) =>
        y
          .positional('run', { type: 'string', demandOption: true, describe: 'run directory' })
          .option('out', { type: 'string', describe: 'directory for the report (default: the run directory)' })
          .option('images', { type: 'number', default: 4, describe: 'validated adversarials drawn per job' }),
      async (argv) => {
        await reportCommand({ run: argv.run, out: argv.out, images: argv.images });
      },
    )
    .command(
      'new <kind> <id>',
      'scaffold a plugin: gauntlet new attack <id> writes attacks/<id>/, its test, and registers it',
      (y) =>
        y
          .positional('kind', { type: 'string', choices: ['attack'] as const, demandOption: true })
          .positional('id', { type: 'string', demandOption: true, describe: 'plugin id: lowercase letters, digits and -' }),
      (argv) => newAttackCommand(argv.id),
    )
    .demandCommand(1, 'name a command: run, validate, list, train, bench, report, compare, merge or new')
    .strict()
    .fail((message, error) => {
      if (error !== undefined && error !== null) fail(error);
      fail(new UserError(message));
    })
    .help()
    .parseAsync();
} catch (error) {
  fail(error);
}
