// `gauntlet train` on every core: tfjs-wasm computes on one core per thread, so each worker thread
// trains one model at a time and takes the next, longest expected first, whenever it is free. A
// model's weights depend only on (name, seed, epochs, backend): not on the worker that trains it,
// nor on how many there are.
import { mkdir, rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from '../config/experiment.js';
import { UserError } from '../errors.js';
import { hostCores } from '../results/run-info.js';
import { ZOO_NAMES } from './architectures.js';
import type { Manifest } from './manifest.js';
import { stagingDir, zooDefinition } from './train.js';
import type { TrainRequest, TrainWorkerInit, TrainWorkerMessage } from './train-protocol.js';
import { estimateTrainSeconds, expectedWallSeconds, longestFirst } from './train-schedule.js';
import { drainQueue } from './work-queue.js';
import { ZOO_DIR, zooModelDir } from './zoo-dir.js';

export interface TrainZooOptions {
  /** zoo model names, or 'all' */
  names: readonly string[];
  seed: number;
  /** overrides every model's epochs */
  epochs?: number;
  backend: BackendChoice;
  /** worker threads (default: one per core on wasm and cpu, one on the native backends) */
  workers?: number;
  /** the zoo folder that receives <name>/ */
  outDir: string;
  log: (line: string) => void;
  /** aborting terminates the workers at once; models already written stay */
  signal?: AbortSignal;
}

export type TrainOutcome =
  | { state: 'trained'; name: string; manifest: Manifest }
  | { state: 'failed'; name: string; error: string }
  | { state: 'interrupted'; name: string };

export interface TrainZooResult {
  backend: string;
  workers: number;
  /** one per model, in the order they were started */
  outcomes: TrainOutcome[];
}

interface Training {
  name: string;
  resolve(manifest: Manifest): void;
  reject(error: Error): void;
}

class TrainWorker {
  private training: Training | undefined;
  private exited = false;

  private constructor(
    private readonly thread: Worker,
    log: (line: string) => void,
  ) {
    thread.on('message', (message: TrainWorkerMessage) => {
      if (message.kind === 'log') log(`${message.name}: ${message.line}`);
      else if (message.kind === 'trained') this.settle(message.name, (t) => t.resolve(message.manifest));
      else if (message.kind === 'failed') this.settle(message.name, (t) => t.reject(new Error(message.error)));
    });
    // an uncaught error is followed by 'exit'; keep its message for the model it killed
    let crash: Error | undefined;
    thread.on('error', (error) => {
      crash = error;
    });
    thread.on('exit', (code) => {
      this.exited = true;
      const training = this.training;
      this.training = undefined;
      training?.reject(new Error(crash === undefined ? `its worker exited with code ${code}` : `its worker crashed: ${oneLine(crash)}`));
    });
  }

  static start(init: TrainWorkerInit, log: (line: string) => void): Promise<{ worker: TrainWorker; backend: string; tried: { backend: string; error: string }[] }> {
    const thread = new Worker(new URL('./train-worker-entry.js', import.meta.url), { workerData: init });
    return new Promise((resolve, reject) => {
      const early = (error: Error): void => reject(new UserError(`a training worker could not start: ${oneLine(error)}`));
      const exited = (code: number): void => early(new Error(`it exited with code ${code}`));
      thread.once('error', early);
      thread.once('exit', exited);
      thread.once('message', (message: TrainWorkerMessage) => {
        thread.off('error', early);
        thread.off('exit', exited);
        if (message.kind === 'ready') resolve({ worker: new TrainWorker(thread, log), backend: message.backend, tried: message.tried });
        else {
          void thread.terminate();
          reject(new UserError(`a training worker could not start: ${message.kind === 'unusable' ? message.error : `unexpected '${message.kind}' message`}`));
        }
      });
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  train(name: string): Promise<Manifest> {
    if (this.training !== undefined) throw new Error(`worker is still training ${this.training.name}`);
    return new Promise((resolve, reject) => {
      this.training = { name, resolve, reject };
      this.thread.postMessage({ name } satisfies TrainRequest);
    });
  }

  private settle(name: string, settle: (training: Training) => void): void {
    const training = this.training;
    if (training?.name !== name) return;
    this.training = undefined;
    settle(training);
  }

  async terminate(): Promise<void> {
    if (!this.exited) await this.thread.terminate();
  }
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** The native backends use every core themselves; wasm and cpu need one worker per core. */
function defaultWorkers(backend: string): number {
  return backend === 'wasm' || backend === 'cpu' ? hostCores() : 1;
}

function selectedNames(names: readonly string[]): string[] {
  if (names.length === 0) throw new UserError(`train needs model names or 'all'; expected some of: ${ZOO_NAMES.join(', ')}`);
  const selected = names.includes('all') ? ZOO_NAMES : [...new Set(names)];
  for (const name of selected) zooDefinition(name);
  return selected;
}

/** Trains the named zoo models on worker threads into `outDir`; a model that fails does not stop the others. */
export async function trainZoo(options: TrainZooOptions): Promise<TrainZooResult> {
  const selected = selectedNames(options.names);
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 1)) {
    throw new UserError(`--workers must be a positive integer, not ${options.workers}`);
  }
  const { log, signal } = options;
  // a function, not a narrowed property: the signal may fire during any await
  const aborted = (): boolean => signal?.aborted === true;
  const order = longestFirst(selected.map((name) => estimateTrainSeconds(name, options.epochs, [options.outDir, ZOO_DIR])));
  const init: TrainWorkerInit = { backend: options.backend, seed: options.seed, epochs: options.epochs, outDir: options.outDir };

  try {
    await mkdir(options.outDir, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot write the zoo into ${options.outDir}: ${oneLine(error)}`);
  }
  const first = await TrainWorker.start(init, log);
  for (const failure of first.tried) log(`backend ${failure.backend} unavailable: ${failure.error}`);
  const count = Math.min(order.length, options.workers ?? defaultWorkers(first.backend));
  const workers: (TrainWorker | undefined)[] = [first.worker];
  const terminateAll = (): Promise<void[]> => Promise.all(workers.map((w) => w?.terminate()));
  const onAbort = (): void => void terminateAll();
  signal?.addEventListener('abort', onAbort);
  log(`training ${order.length} model(s) on ${first.backend} with ${count} worker(s) into ${options.outDir}`);
  log(`longest expected first: ${order.map((e) => `${e.name} ${e.source === 'guess' ? '~' : ''}${Math.round(e.seconds)}s`).join(', ')}`);
  log(`expected wall time about ${Math.round(expectedWallSeconds(order, count))}s`);

  const started = performance.now();
  try {
    const trainOne = async (name: string, lane: number): Promise<TrainOutcome> => {
      if (aborted()) return { state: 'interrupted', name };
      try {
        let worker = workers[lane];
        // a lane whose worker crashed starts a fresh one for its next model
        if (worker === undefined || !worker.alive) worker = workers[lane] = (await TrainWorker.start(init, log)).worker;
        if (aborted()) return { state: 'interrupted', name };
        return { state: 'trained', name, manifest: await worker.train(name) };
      } catch (error) {
        if (aborted()) {
          await rm(stagingDir(zooModelDir(name, options.outDir)), { recursive: true, force: true });
          return { state: 'interrupted', name };
        }
        log(`${name}: FAILED: ${oneLine(error)}`);
        throw error;
      }
    };
    const settled = await drainQueue(order.map((e) => e.name), count, trainOne);
    const outcomes = settled.map((result, i): TrainOutcome =>
      result.status === 'fulfilled' ? result.value : { state: 'failed', name: order[i].name, error: oneLine(result.reason) },
    );
    const trained = outcomes.filter((o) => o.state === 'trained').length;
    log(`trained ${trained} of ${outcomes.length} model(s) in ${((performance.now() - started) / 1000).toFixed(1)}s with ${count} worker(s)`);
    return { backend: first.backend, workers: count, outcomes };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await terminateAll();
  }
}
