// The receptive-field evaluator must give the model's logits for any few-pixel change: two independent
// computations (incremental float64 replay from cached activations vs a full tfjs forward pass) on
// networks with strides, both paddings, pools first and last, several channels, and pixel groups
// whose receptive fields meet and stay apart.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { ChangeBatch } from '../../attacks/l0tre/change-batch.js';
import { modelEvaluator } from '../../attacks/l0tre/evaluator.js';
import { readLayerStack } from '../../attacks/l0tre/layer-stack.js';
import { ReceptiveFieldEvaluator } from '../../attacks/l0tre/receptive-field.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { wrapLayersModel } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const bias = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.2 });

const NETWORKS: Record<string, () => tf.Sequential> = {
  'strided same conv, 3×3 stride-2 pool, two dense': () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [9, 8, 2], filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1), biasInitializer: bias(2) }),
        tf.layers.conv2d({ filters: 4, kernelSize: 2, activation: 'relu', kernelInitializer: init(3), biasInitializer: bias(4) }),
        tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 6, activation: 'relu', kernelInitializer: init(5), biasInitializer: bias(6) }),
        tf.layers.dense({ units: 4, kernelInitializer: init(7), biasInitializer: bias(8) }),
      ],
    }),
  'pool first, separate ReLU layer, linear conv': () =>
    tf.sequential({
      layers: [
        tf.layers.maxPooling2d({ inputShape: [8, 8, 3], poolSize: 2 }),
        tf.layers.conv2d({ filters: 2, kernelSize: 3, kernelInitializer: init(9), biasInitializer: bias(10) }),
        tf.layers.reLU(),
        tf.layers.conv2d({ filters: 3, kernelSize: 2, kernelInitializer: init(11), biasInitializer: bias(12) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 5, kernelInitializer: init(13), biasInitializer: bias(14) }),
      ],
    }),
  'MLP with dropout': () =>
    tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [5, 5, 1] }),
        tf.layers.dense({ units: 7, activation: 'relu', kernelInitializer: init(15), biasInitializer: bias(16) }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 3, kernelInitializer: init(17), biasInitializer: bias(18) }),
      ],
    }),
};

describe('receptive-field evaluator', () => {
  it.each(Object.keys(NETWORKS))('agrees with the model on 1-, 2- and 3-pixel changes: %s', async (name) => {
    const layers = NETWORKS[name]();
    const model = wrapLayersModel(name, layers);
    const stack = readLayerStack(model.logitsModel);
    if ('unsupported' in stack) throw new Error(stack.unsupported);
    const rng = createRng('receptive-field-test', name);
    const originals = Array.from({ length: 3 }, () => Float32Array.from({ length: model.inputSize }, () => (rng.next() < 0.4 ? 0 : rng.next())));
    let offModel = 0;
    const incremental = new ReceptiveFieldEvaluator(stack, model, originals, { add: (images) => void (offModel += images) });
    const reference = modelEvaluator(model, originals);
    for (const width of [1, 2, 3]) {
      const batch = new ChangeBatch(width, 60);
      while (!batch.full) {
        // distinct pixels, half of the queries packed into one corner so their receptive fields meet
        const near = rng.next() < 0.5;
        const pixels = new Set<number>();
        while (pixels.size < width) pixels.add(near ? rng.int(Math.min(12, model.inputSize)) : rng.int(model.inputSize));
        batch.push(rng.int(originals.length), [...pixels], Array.from({ length: width }, () => (rng.next() < 0.5 ? rng.int(2) : rng.next())));
      }
      const before = offModel;
      const { logits: ours, replayed } = await incremental.evaluate(batch);
      const { logits: theirs } = await reference.evaluate(batch);
      let worst = 0;
      for (let k = 0; k < ours.length; k++) worst = Math.max(worst, Math.abs(ours[k] - theirs[k]));
      expect(worst).toBeLessThan(1e-5);
      expect(incremental.rechecked).toBe(0);
      // every query was replayed, and reported to the harness as one off-model query
      expect(replayed.every((r) => r === 1)).toBe(true);
      expect(offModel - before).toBe(batch.size);
    }
  });

  it('refuses what it cannot replay, naming the layer', () => {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 1, kernelSize: 2, activation: 'tanh' }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
    expect(readLayerStack(model)).toEqual({ unsupported: expect.stringMatching(/activation tanh/) });
    const pooled = tf.sequential({ layers: [tf.layers.averagePooling2d({ inputShape: [4, 4, 1], poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
    expect(readLayerStack(pooled)).toEqual({ unsupported: expect.stringMatching(/is a AveragePooling2D/) });
  });
});
