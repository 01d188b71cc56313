// `gauntlet train <name…|all>`: retrains zoo models into models/<name>/.
import type { BackendChoice } from '../config/experiment.js';
import { trainCommand } from '../zoo/train.js';

export interface TrainArgs {
  names: string[];
  seed: number;
  epochs?: number;
  backend: BackendChoice;
}

export async function trainCommandLine(args: TrainArgs): Promise<void> {
  await trainCommand(args.names, { seed: args.seed, epochs: args.epochs, backend: args.backend, log: (line) => process.stderr.write(line + '\n') });
}
