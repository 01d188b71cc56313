// One `gauntlet train` worker thread: its own tfjs instance and backend, training the models it is
// sent one at a time with the same code as a single-threaded run.
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../engine/backend.js';
import { trainZooModel } from './train.js';
import type { TrainRequest, TrainWorkerInit, TrainWorkerMessage } from './train-protocol.js';

const port = parentPort;
if (port === null) throw new Error('train-worker.ts must run in a worker thread');

const post = (message: TrainWorkerMessage): void => port.postMessage(message);
const oneLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0];

try {
  const init = workerData as TrainWorkerInit;
  const { backend, tried } = await selectBackend(init.backend);
  port.on('message', ({ name }: TrainRequest) => {
    trainZooModel(name, { seed: init.seed, epochs: init.epochs, outDir: init.outDir, log: (line) => post({ kind: 'log', name, line }) }).then(
      (manifest) => post({ kind: 'trained', name, manifest }),
      (error: unknown) => post({ kind: 'failed', name, error: oneLine(error) }),
    );
  });
  post({ kind: 'ready', backend, tried });
} catch (error) {
  post({ kind: 'unusable', error: oneLine(error) });
}
