// `gauntlet validate`: the config's errors, or what it would run.
import { describeExperiment, loadExperimentFile } from '../config/load.js';
import { configEnv } from './config-env.js';

export function validateCommand(file: string): void {
  const experiment = loadExperimentFile(file, configEnv());
  process.stdout.write(`${file}: ok\n${describeExperiment(experiment)}\n`);
}
