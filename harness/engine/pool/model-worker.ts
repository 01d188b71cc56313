// One worker thread: its own tfjs instance and backend, every model of the run loaded once.
import { parentPort, workerData } from 'node:worker_threads';
import { modelRefName } from '../../config/experiment.js';
import { selectBackend } from '../backend.js';
import { loadModel } from '../model-handle.js';
import type { ModelHandle } from '../../types.js';
import type { WorkerInit, WorkerReply, WorkerRequest, WorkerStatus } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('model-worker.ts must run in a worker thread');

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function start(init: WorkerInit): Promise<Map<string, ModelHandle>> {
  const models = new Map<string, ModelHandle>();
  for (const ref of init.models) models.set(modelRefName(ref), await loadModel(ref));
  return models;
}

async function compute(model: ModelHandle, request: WorkerRequest): Promise<Float32Array[]> {
  switch (request.op) {
    case 'predict':
      return [await model.predict(request.x)];
    case 'gradient': {
      const { gradient, loss, logits } = await model.inputGradient(request.x, request.loss);
      return [gradient, loss, logits];
    }
    case 'activations':
      return model.activations(request.x);
  }
}

try {
  const init = workerData as WorkerInit;
  const { backend } = await selectBackend(init.backend);
  const models = await start(init);
  port.on('message', (request: WorkerRequest) => {
    void (async (): Promise<void> => {
      let reply: WorkerReply;
      try {
        const model = models.get(request.model);
        if (model === undefined) throw new Error(`worker has no model ${request.model}`);
        reply = { id: request.id, ok: true, values: await compute(model, request) };
      } catch (error) {
        reply = { id: request.id, ok: false, error: message(error) };
      }
      const transfer = reply.ok ? reply.values.map((values) => values.buffer) : [];
      port.postMessage(reply, transfer as ArrayBuffer[]);
    })();
  });
  port.postMessage({ ready: true, backend } satisfies WorkerStatus);
} catch (error) {
  port.postMessage({ ready: false, error: message(error) } satisfies WorkerStatus);
}
