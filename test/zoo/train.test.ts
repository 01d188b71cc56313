import { tmpdir } from 'node:os';
import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { UserError } from '../../harness/errors.js';
import { ZOO } from '../../harness/zoo/architectures.js';
import { trainZoo } from '../../harness/zoo/parallel-train.js';
import { trainModel } from '../../harness/zoo/train.js';

async function trainedWeights(seed: number): Promise<Float32Array[]> {
  const train = await loadDataset('mnist', 'train');
  const model = ZOO['mnist-lenet1'].build(seed);
  try {
    await trainModel(model, train, { seed, epochs: 2, batchSize: 32, learningRate: 1e-3, shuffleKey: 'test', batches: 4 }, () => undefined);
    return model.getWeights().map((w) => w.dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

describe('zoo training', () => {
  it('builds identical initial weights from the same seed and different ones from another', () => {
    const weights = (seed: number): number[][] => {
      const model = ZOO['mnist-mlp-60-30'].build(seed);
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)[0]).not.toEqual(weights(4)[0]);
  });

  it('is deterministic: the same seed trains to identical weights, leaking no tensors', async () => {
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    const first = await trainedWeights(7);
    expect(tf.memory().numTensors).toBe(before);
    const second = await trainedWeights(7);
    const other = await trainedWeights(8);
    expect(second.map((w) => Array.from(w))).toEqual(first.map((w) => Array.from(w)));
    expect(Array.from(other[0])).not.toEqual(Array.from(first[0]));
  });

  it('rejects an unknown model name before training anything', async () => {
    await expect(trainZoo({ names: ['mnist-lenet6'], seed: 1, backend: 'cpu', outDir: tmpdir(), log: () => undefined })).rejects.toThrow(
      new UserError(
        "unknown zoo model 'mnist-lenet6' (did you mean 'mnist-lenet1'?); expected one of: mnist-mlp-10-10-10, mnist-mlp-60-30, mnist-mlp-30x5, mnist-lenet1, mnist-lenet4, mnist-lenet5, mnist-cnn-l0tre, mnist-fid-lenet, mnist-mlp-30x5-adv, all",
      ),
    );
  });
});
