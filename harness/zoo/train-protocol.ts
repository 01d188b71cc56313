// Messages between `gauntlet train` and its worker threads. The main thread sends one model name
// at a time and hears back the worker's log lines, then the model's manifest or one line of error.
import type { BackendChoice } from '../config/experiment.js';
import type { Manifest } from './manifest.js';

export interface TrainWorkerInit {
  backend: BackendChoice;
  seed: number;
  epochs?: number;
  outDir: string;
}

export interface TrainRequest {
  name: string;
}

export type TrainWorkerMessage =
  | { kind: 'ready'; backend: string; tried: { backend: string; error: string }[] }
  | { kind: 'unusable'; error: string }
  | { kind: 'log'; name: string; line: string }
  | { kind: 'trained'; name: string; manifest: Manifest }
  | { kind: 'failed'; name: string; error: string };
