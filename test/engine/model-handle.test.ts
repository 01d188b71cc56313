import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../harness/engine/backend.js';
import { modelSaver } from '../../harness/engine/model-files.js';
import { loadModel, wrapLayersModel } from '../../harness/engine/model-handle.js';
import { UserError } from '../../harness/errors.js';
import { createRng } from '../../harness/rng.js';

/** 2x3x1 images -> tanh 5 -> 4 classes: smooth, so finite differences are exact up to float error. */
function smallModel(seed: number, finalActivation: 'linear' | 'softmax'): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [2, 3, 1] }));
  model.add(tf.layers.dense({ units: 5, activation: 'tanh', kernelInitializer: tf.initializers.glorotNormal({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 1 }) }));
  model.add(tf.layers.dense({ units: 4, activation: finalActivation, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 2 }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 3 }) }));
  return model;
}

function randomInputs(count: number, size: number, seed: number): Float32Array {
  const rng = createRng('model-handle-test', seed);
  return Float32Array.from({ length: count * size }, () => rng.next());
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('wrapLayersModel', () => {
  it('describes the model', () => {
    const handle = wrapLayersModel('small', smallModel(1, 'linear'));
    expect(handle.inputShape).toEqual([2, 3, 1]);
    expect(handle.inputSize).toBe(6);
    expect(handle.numClasses).toBe(4);
    expect(handle.layers.map((l) => l.className)).toEqual(['Flatten', 'Dense', 'Dense']);
    expect(handle.layers[1]).toMatchObject({ activation: 'tanh', outputShape: [5], params: 6 * 5 + 5 });
    expect(handle.layers[2]).toMatchObject({ activation: 'linear', outputShape: [4], params: 5 * 4 + 4 });
  });

  it('returns pre-softmax logits for a model ending in softmax', async () => {
    const model = smallModel(2, 'softmax');
    const handle = wrapLayersModel('soft', model);
    const x = randomInputs(3, 6, 2);
    const logits = await handle.predict(x);
    const probabilities = tf.tidy(() => (model.predict(tf.tensor(x, [3, 2, 3, 1])) as tf.Tensor).dataSync());
    const fromLogits = tf.tidy(() => tf.softmax(tf.tensor2d(logits, [3, 4])).dataSync());
    for (let i = 0; i < probabilities.length; i++) expect(fromLogits[i]).toBeCloseTo(probabilities[i], 5);
    // logits are not probabilities: rows do not sum to one
    expect(Math.abs(logits[0] + logits[1] + logits[2] + logits[3] - 1)).toBeGreaterThan(1e-3);
    expect(handle.layers[2].activation).toBe('linear');
  });

  it('drops a final softmax Activation layer of a functional model', async () => {
    const input = tf.input({ shape: [2, 3, 1] });
    const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 4, kernelInitializer: tf.initializers.glorotNormal({ seed: 9 }), biasInitializer: tf.initializers.randomNormal({ seed: 10 }) });
    const scores = dense.apply(flat) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.activation({ activation: 'softmax' }).apply(scores) as tf.SymbolicTensor });
    const handle = wrapLayersModel('functional', model);
    expect(handle.layers.map((l) => l.className)).toEqual(['Flatten', 'Dense']);
    const x = randomInputs(2, 6, 9);
    const expected = tf.tidy(() => dense.apply(tf.tensor(x, [2, 6])) as tf.Tensor).dataSync();
    const logits = await handle.predict(x);
    for (let i = 0; i < logits.length; i++) expect(logits[i]).toBeCloseTo(expected[i], 5);
  });

  it('classifies by argmax and batches beyond 1024 samples consistently', async () => {
    const handle = wrapLayersModel('small', smallModel(3, 'linear'));
    const x = randomInputs(1500, 6, 3);
    const all = await handle.predict(x);
    const tail = await handle.predict(x.subarray(1100 * 6));
    expect(Array.from(all.subarray(1100 * 4))).toEqual(Array.from(tail));
    const classes = await handle.classify(x);
    for (let i = 0; i < 1500; i++) {
      const row = Array.from(all.subarray(i * 4, i * 4 + 4));
      expect(classes[i]).toBe(row.indexOf(Math.max(...row)));
    }
  });

  it('computes margin and cross-entropy losses as documented', async () => {
    const handle = wrapLayersModel('small', smallModel(4, 'linear'));
    const x = randomInputs(3, 6, 4);
    const z = await handle.predict(x);
    const labels = Int32Array.from([0, 2, 3]);
    const targets = Int32Array.from([1, 1, 0]);
    const margin = await handle.inputGradient(x, { kind: 'margin', labels });
    const targeted = await handle.inputGradient(x, { kind: 'margin', labels, targets });
    const ce = await handle.inputGradient(x, { kind: 'cross-entropy', labels });
    for (let i = 0; i < 3; i++) {
      const row = Array.from(z.subarray(i * 4, i * 4 + 4));
      const others = row.filter((_, j) => j !== labels[i]);
      expect(margin.loss[i]).toBeCloseTo(Math.max(...others) - row[labels[i]], 5);
      expect(targeted.loss[i]).toBeCloseTo(row[targets[i]] - row[labels[i]], 5);
      const logSumExp = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      expect(ce.loss[i]).toBeCloseTo(logSumExp - row[labels[i]], 5);
    }
  });

  it('matches finite differences for both losses', async () => {
    const handle = wrapLayersModel('small', smallModel(5, 'linear'));
    const x = randomInputs(2, 6, 5);
    const labels = Int32Array.from([1, 3]);
    for (const loss of [{ kind: 'cross-entropy', labels }, { kind: 'margin', labels, targets: Int32Array.from([2, 0]) }] as const) {
      const { gradient } = await handle.inputGradient(x, loss);
      const h = 1e-2;
      for (let k = 0; k < x.length; k++) {
        const plus = x.slice();
        plus[k] += h;
        const minus = x.slice();
        minus[k] -= h;
        const sample = Math.floor(k / 6);
        const up = (await handle.inputGradient(plus, loss)).loss[sample];
        const down = (await handle.inputGradient(minus, loss)).loss[sample];
        expect(gradient[k]).toBeCloseTo((up - down) / (2 * h), 3);
      }
    }
  });

  it('leaks no tensors', async () => {
    const handle = wrapLayersModel('small', smallModel(6, 'softmax'));
    const x = randomInputs(5, 6, 6);
    const labels = Int32Array.from([0, 1, 2, 3, 0]);
    const before = tf.memory().numTensors;
    await handle.predict(x);
    await handle.classify(x);
    await handle.inputGradient(x, { kind: 'cross-entropy', labels });
    await handle.inputGradient(x, { kind: 'margin', labels });
    await handle.inputGradient(x, { kind: 'margin', labels, targets: Int32Array.from([1, 2, 3, 0, 1]) });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects inputs whose length is not a multiple of the input size', async () => {
    const handle = wrapLayersModel('small', smallModel(7, 'linear'));
    await expect(handle.predict(new Float32Array(7))).rejects.toThrow(/not a positive multiple of the input size 6/);
  });
});

describe('loadModel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gauntlet-model-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a saved LayersModel from a path and keeps the path as its name', async () => {
    const model = smallModel(8, 'softmax');
    await model.save(modelSaver(dir));
    const handle = await loadModel({ path: join(dir, 'model.json') });
    expect(handle.name).toBe(join(dir, 'model.json'));
    const x = randomInputs(4, 6, 8);
    expect(Array.from(await handle.predict(x))).toEqual(Array.from(await wrapLayersModel('orig', model).predict(x)));
  });

  it('names a missing file', async () => {
    await expect(loadModel({ path: join(dir, 'nope.json') })).rejects.toThrow(new UserError(`model file ${join(dir, 'nope.json')} does not exist (expected a tfjs LayersModel model.json)`));
  });

  it('suggests the closest zoo model for an unknown name', async () => {
    const error = await loadModel('mnist-lenet55').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^unknown zoo model 'mnist-lenet55' \(did you mean 'mnist-lenet5'\?\); expected one of: .*mnist-mlp-60-30/);
  });
});
