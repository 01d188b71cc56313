// The worker pool must compute exactly what the model computes in-process, for any worker count.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../harness/engine/backend.js';
import { loadModel } from '../../../harness/engine/model-handle.js';
import { modelSaver } from '../../../harness/engine/model-files.js';
import { multiplyAddsPerRow } from '../../../harness/engine/pool/work-estimate.js';
import { ModelPool, shardRows } from '../../../harness/engine/pool/model-pool.js';
import { createRng } from '../../../harness/rng.js';
import type { ModelHandle } from '../../../harness/types.js';

let modelPath: string;
let local: ModelHandle;
const pools: ModelPool[] = [];

beforeAll(async () => {
  await selectBackend('wasm');
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.dense({ units: 5, kernelInitializer: init(3) }),
    ],
  });
  modelPath = join(mkdtempSync(join(tmpdir(), 'gauntlet-pool-')), 'model');
  await model.save(modelSaver(modelPath));
  local = await loadModel({ path: join(modelPath, 'model.json') });
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

/** The test model is small enough to run on the calling thread by default: inlineBelow 0 sends it to the workers. */
async function pooled(workers: number, inlineBelow = 0): Promise<ModelHandle> {
  const pool = await ModelPool.start({ workers, backend: 'wasm', models: [{ path: join(modelPath, 'model.json') }], inlineBelow });
  pools.push(pool);
  return pool.handle(local);
}

function batch(rows: number): Float32Array {
  const rng = createRng('pool-test', rows);
  return Float32Array.from({ length: rows * 144 }, () => rng.next());
}

describe('ModelPool', () => {
  it('leaves models below the work threshold to the calling thread and sends the others to the workers', async () => {
    expect(multiplyAddsPerRow(local.layers)).toBe(40 * 10 * 10 + (100 * 16 + 16) + (16 * 5 + 5));
    expect(await pooled(2, multiplyAddsPerRow(local.layers) + 1)).toBe(local);
    const viaWorkers = await pooled(2, multiplyAddsPerRow(local.layers));
    expect(viaWorkers).not.toBe(local);
    // the workers' answer is the calling thread's, bit for bit
    const x = batch(40);
    expect(Buffer.from((await viaWorkers.predict(x)).buffer).equals(Buffer.from((await local.predict(x)).buffer))).toBe(true);
  });

  it('cuts batches into contiguous shards covering every row once', () => {
    expect(shardRows(100, 2)).toEqual([{ start: 0, count: 50 }, { start: 50, count: 50 }]);
    expect(shardRows(101, 3)).toEqual([{ start: 0, count: 34 }, { start: 34, count: 34 }, { start: 68, count: 33 }]);
    expect(shardRows(20, 4)).toEqual([{ start: 0, count: 20 }]);
  });

  it('gives bit-identical logits and gradients with 1 and 2 workers and in-process', async () => {
    const one = await pooled(1);
    const two = await pooled(2);
    const x = batch(77);
    const labels = Int32Array.from({ length: 77 }, (_, i) => i % 5);
    const expected = await local.predict(x);
    expect(await one.predict(x)).toEqual(expected);
    expect(await two.predict(x)).toEqual(expected);
    expect(await two.classify(x)).toEqual(await local.classify(x));
    const reference = await local.inputGradient(x, { kind: 'margin', labels });
    for (const handle of [one, two]) {
      const got = await handle.inputGradient(x, { kind: 'margin', labels });
      expect(got.gradient).toEqual(reference.gradient);
      expect(got.loss).toEqual(reference.loss);
    }
  });

  it('gives bit-identical activations and objective gradients with 1 and 2 workers and in-process', async () => {
    const one = await pooled(1);
    const two = await pooled(2);
    const x = batch(53);
    const expected = await local.activations(x);
    expect(expected.map((layer) => layer.length)).toEqual([53 * 4, 53 * 16, 53 * 5]);
    expect(await one.activations(x)).toEqual(expected);
    expect(await two.activations(x)).toEqual(expected);
    const rng = createRng('pool-objective', 53);
    const loss = {
      kind: 'objective',
      logitWeights: Float32Array.from({ length: 53 * 5 }, () => rng.normal()),
      neurons: Array.from({ length: 53 }, (_, n) => [{ layer: n % 2, unit: n % 4, weight: rng.normal() }]),
    } as const;
    const reference = await local.inputGradient(x, loss);
    for (const handle of [one, two]) {
      const got = await handle.inputGradient(x, loss);
      expect(got.gradient).toEqual(reference.gradient);
      expect(got.loss).toEqual(reference.loss);
    }
  });

  it('leaves the caller\'s input untouched and reports a bad batch like the model does', async () => {
    const two = await pooled(2);
    const x = batch(40);
    const copy = x.slice();
    await two.predict(x);
    expect(x).toEqual(copy);
    await expect(two.predict(new Float32Array(10))).rejects.toThrow(/not a positive multiple/);
  });
});
