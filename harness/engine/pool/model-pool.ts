// tfjs-wasm runs on one core; a pool of worker threads, each with its own tfjs instance and the
// run's models loaded once, spreads every batch over all cores. Rows of a batch are independent,
// so a batch is cut into contiguous shards and the results joined in order: the same numbers,
// bit for bit, whatever the number of workers (a test checks it).
import { Worker } from 'node:worker_threads';
import type { BackendChoice, ModelRef } from '../../config/experiment.js';
import { UserError } from '../../errors.js';
import type { InputGradient, LossSpec, ModelHandle } from '../../types.js';
import { argmaxRows } from '../argmax.js';
import type { WorkerInit, WorkerReply, WorkerRequest, WorkerStatus } from './protocol.js';
import { multiplyAddsPerRow, POOL_MIN_MULTIPLY_ADDS_PER_ROW } from './work-estimate.js';

/** Below this many rows per worker, messaging costs more than the second core saves. */
const MIN_ROWS_PER_SHARD = 16;

/** Omit over each member of a union (the built-in Omit merges them). */
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(reply: WorkerReply & { ok: true }): void;
  reject(error: Error): void;
}

class ModelWorker {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.id);
      if (waiting === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply);
      else waiting.reject(new Error(reply.error));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`model worker exited with code ${code}`)));
  }

  static start(init: WorkerInit): Promise<{ worker: ModelWorker; backend: string }> {
    const thread = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: init });
    return new Promise((resolve, reject) => {
      thread.once('message', (status: WorkerStatus) => {
        if (status.ready) resolve({ worker: new ModelWorker(thread), backend: status.backend });
        else {
          void thread.terminate();
          reject(new UserError(`a model worker could not start: ${status.error}`));
        }
      });
      thread.once('error', reject);
    });
  }

  request(request: RequestBody): Promise<WorkerReply & { ok: true }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as WorkerRequest, [request.x.buffer as ArrayBuffer]);
    });
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Contiguous row ranges, one per worker used; fewer shards for small batches. */
export function shardRows(rows: number, workers: number): { start: number; count: number }[] {
  const shards = Math.max(1, Math.min(workers, Math.floor(rows / MIN_ROWS_PER_SHARD)));
  const base = Math.floor(rows / shards);
  const extra = rows % shards;
  const out: { start: number; count: number }[] = [];
  let start = 0;
  for (let s = 0; s < shards; s++) {
    const count = base + (s < extra ? 1 : 0);
    out.push({ start, count });
    start += count;
  }
  return out;
}

export class ModelPool {
  private constructor(
    private readonly workers: ModelWorker[],
    readonly backend: string,
    /** models with fewer multiply-adds per row run on the calling thread (work-estimate.ts) */
    readonly inlineBelow: number,
  ) {}

  get size(): number {
    return this.workers.length;
  }

  static async start(options: { workers: number; backend: BackendChoice; models: ModelRef[]; inlineBelow?: number }): Promise<ModelPool> {
    const init: WorkerInit = { backend: options.backend, models: options.models };
    const started = await Promise.allSettled(Array.from({ length: options.workers }, () => ModelWorker.start(init)));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value.worker] : []));
    if (failed !== undefined) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    }
    const first = started[0] as PromiseFulfilledResult<{ worker: ModelWorker; backend: string }>;
    return new ModelPool(workers, first.value.backend, options.inlineBelow ?? POOL_MIN_MULTIPLY_ADDS_PER_ROW);
  }

  /**
   * The same model, computed by the pool. `local` (loaded on the main thread) supplies the
   * shape, layers and piecewise-linear view; predictions, gradients and activations go to workers,
   * except for models too small for the pool to pay (work-estimate.ts), which `local` computes on
   * the calling thread. Either way the numbers are the same, bit for bit.
   */
  handle(local: ModelHandle): ModelHandle {
    if (multiplyAddsPerRow(local.layers) < this.inlineBelow) return local;
    const inputSize = local.inputSize;
    const numClasses = local.numClasses;
    const copyRows = (x: Float32Array, start: number, count: number): Float32Array => x.slice(start * inputSize, (start + count) * inputSize);

    /**
     * Sends each worker its shard and joins the replies: output k of the reply holds `widths[k]`
     * values per row, and every row lands where it would in one in-process call.
     */
    const sharded = async (x: Float32Array, widths: readonly number[], request: (x: Float32Array, start: number, count: number) => RequestBody): Promise<Float32Array[]> => {
      const rows = x.length / inputSize;
      const shards = shardRows(rows, this.workers.length);
      const replies = await Promise.all(shards.map((shard, w) => this.workers[w].request(request(copyRows(x, shard.start, shard.count), shard.start, shard.count))));
      const outputs = widths.map((width) => new Float32Array(rows * width));
      replies.forEach((reply, w) => outputs.forEach((out, k) => out.set(reply.values[k], shards[w].start * widths[k])));
      return outputs;
    };

    const predict = async (x: Float32Array): Promise<Float32Array> => {
      const [logits] = await sharded(x, [numClasses], (rows) => ({ op: 'predict', model: local.name, x: rows }));
      return logits;
    };

    const inputGradient = async (x: Float32Array, loss: LossSpec): Promise<InputGradient> => {
      const [gradient, losses, logits] = await sharded(x, [inputSize, 1, numClasses], (rows, start, count) => ({
        op: 'gradient',
        model: local.name,
        x: rows,
        loss: sliceLoss(loss, start, count, numClasses),
      }));
      return { gradient, loss: losses, logits };
    };

    const activations = (x: Float32Array): Promise<Float32Array[]> =>
      sharded(x, local.neuronLayers.map((layer) => layer.units), (rows) => ({ op: 'activations', model: local.name, x: rows }));

    const classify = async (x: Float32Array): Promise<Int32Array> => argmaxRows(await predict(x), numClasses);

    return {
      name: local.name,
      inputShape: local.inputShape,
      inputSize,
      numClasses,
      layers: local.layers,
      neuronLayers: local.neuronLayers,
      predict: (x) => (x.length % inputSize === 0 && x.length > 0 ? predict(x) : local.predict(x)),
      classify: (x) => (x.length % inputSize === 0 && x.length > 0 ? classify(x) : local.classify(x)),
      inputGradient: (x, loss) => (x.length % inputSize === 0 && x.length > 0 ? inputGradient(x, loss) : local.inputGradient(x, loss)),
      activations: (x) => (x.length % inputSize === 0 && x.length > 0 ? activations(x) : local.activations(x)),
      piecewiseLinear: () => local.piecewiseLinear(),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function sliceLoss(loss: LossSpec, start: number, count: number, numClasses: number): LossSpec {
  switch (loss.kind) {
    case 'cross-entropy':
      return { kind: 'cross-entropy', labels: loss.labels.slice(start, start + count) };
    case 'margin':
      return { kind: 'margin', labels: loss.labels.slice(start, start + count), targets: loss.targets?.slice(start, start + count) };
    case 'objective':
      return {
        kind: 'objective',
        logitWeights: loss.logitWeights.slice(start * numClasses, (start + count) * numClasses),
        neurons: loss.neurons.slice(start, start + count),
      };
  }
}
