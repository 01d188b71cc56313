// `gauntlet train <name…|all>`: retrains zoo models into <out>/<name>/ (default models/), one model
// per worker thread. Exit status: 0 when every model was written, 1 when one failed, 130 on Ctrl-C.
import { resolve } from 'node:path';
import type { BackendChoice } from '../config/experiment.js';
import { UserError } from '../errors.js';
import { trainZoo } from '../zoo/parallel-train.js';
import { ZOO_DIR } from '../zoo/zoo-dir.js';

export interface TrainArgs {
  names: string[];
  seed: number;
  epochs?: number;
  backend: BackendChoice;
  workers?: number;
  out?: string;
}

export async function trainCommandLine(args: TrainArgs): Promise<number> {
  const log = (line: string): void => void process.stderr.write(line + '\n');
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    log(`\n${signal}: stopping the training workers; models already written stay (again to quit at once)`);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { outcomes } = await trainZoo({
      names: args.names,
      seed: args.seed,
      epochs: args.epochs,
      backend: args.backend,
      workers: args.workers,
      outDir: args.out === undefined ? ZOO_DIR : resolve(args.out),
      log,
      signal: controller.signal,
    });
    if (controller.signal.aborted) return 130;
    const failed = outcomes.filter((o) => o.state === 'failed').map((o) => o.name);
    if (failed.length > 0) throw new UserError(`${failed.length} of ${outcomes.length} model(s) failed to train: ${failed.join(', ')}`, 1);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
