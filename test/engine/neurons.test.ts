// ModelHandle.neuronLayers, activations() and the 'objective' loss: what coverage criteria read and
// what coverage-guided generators ascend, checked against a hand computation and finite differences.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../harness/engine/backend.js';
import { meteredModel, zeroCost } from '../../harness/metered-model.js';
import { wrapLayersModel } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';
import type { LossSpec } from '../../harness/types.js';
import { linearModel } from '../helpers/linear-model.js';

/** 4×4×1 images -> conv 3×3×2 'same' tanh -> pool -> flatten -> dense 3 tanh -> dense 4 linear: smooth almost everywhere. */
function smallCnn(seed: number): tf.LayersModel {
  const init = (s: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed: s }), biasInitializer: tf.initializers.randomNormal({ seed: s + 100, stddev: 0.3 }) });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, padding: 'same', activation: 'tanh', name: 'conv', ...init(seed) }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 3, activation: 'tanh', name: 'hidden', ...init(seed + 1) }),
      tf.layers.dense({ units: 4, activation: 'softmax', name: 'out', ...init(seed + 2) }),
    ],
  });
}

function inputs(count: number, seed: number): Float32Array {
  const rng = createRng('neurons-test', seed);
  return Float32Array.from({ length: count * 16 }, () => rng.next());
}

/** The conv layer's channel means and the hidden layer's outputs, in float64 from the weights. */
function byHand(model: tf.LayersModel, x: Float32Array): { conv: number[]; hidden: number[] } {
  const [kernel, convBias] = model.getLayer('conv').getWeights().map((w) => w.arraySync()) as [number[][][][], number[]];
  const [dense, denseBias] = model.getLayer('hidden').getWeights().map((w) => w.arraySync()) as [number[][], number[]];
  const at = (r: number, c: number): number => (r < 0 || r > 3 || c < 0 || c > 3 ? 0 : x[r * 4 + c]);
  const maps = [0, 1].map((f) => {
    const map: number[][] = [];
    for (let r = 0; r < 4; r++) {
      map.push([]);
      for (let c = 0; c < 4; c++) {
        let v = convBias[f];
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) v += kernel[i][j][0][f] * at(r + i - 1, c + j - 1);
        map[r].push(Math.tanh(v));
      }
    }
    return map;
  });
  const conv = maps.map((map) => map.flat().reduce((a, b) => a + b, 0) / 16);
  const pooled: number[] = [];
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 2; c++) {
      for (const map of maps) pooled.push(Math.max(map[2 * r][2 * c], map[2 * r][2 * c + 1], map[2 * r + 1][2 * c], map[2 * r + 1][2 * c + 1]));
    }
  }
  const hidden = [0, 1, 2].map((u) => Math.tanh(denseBias[u] + pooled.reduce((s, p, i) => s + p * dense[i][u], 0)));
  return { conv, hidden };
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('neuron layers', () => {
  it('are the Dense and Conv2D layers, the last one emitting logits, with their mean kernel weights', () => {
    const model = smallCnn(1);
    const handle = wrapLayersModel('cnn', model);
    expect(handle.neuronLayers.map((l) => [l.name, l.className, l.units])).toEqual([
      ['conv', 'Conv2D', 2],
      ['hidden', 'Dense', 3],
      ['out_logits', 'Dense', 4],
    ]);
    const kernel = model.getLayer('conv').getWeights()[0].arraySync() as number[][][][];
    const mean0 = kernel.flat(2).reduce((s, w) => s + w[0], 0) / 9;
    expect(handle.neuronLayers[0].weightMeans[0]).toBeCloseTo(mean0, 6);
  });

  it('reads a conv neuron as the mean of its feature map and a dense neuron as its output', async () => {
    const model = smallCnn(2);
    const handle = wrapLayersModel('cnn', model);
    const x = inputs(3, 2);
    const [conv, hidden, out] = await handle.activations(x);
    expect([conv.length, hidden.length, out.length]).toEqual([3 * 2, 3 * 3, 3 * 4]);
    for (let n = 0; n < 3; n++) {
      const expected = byHand(model, x.subarray(n * 16, (n + 1) * 16));
      expected.conv.forEach((v, u) => expect(conv[n * 2 + u]).toBeCloseTo(v, 5));
      expected.hidden.forEach((v, u) => expect(hidden[n * 3 + u]).toBeCloseTo(v, 5));
    }
    expect(Array.from(out)).toEqual(Array.from(await handle.predict(x)));
  });

  it('gives the same activations row by row as in one batch, beyond one 1024-row chunk', async () => {
    const handle = wrapLayersModel('cnn', smallCnn(3));
    const x = inputs(1100, 3);
    const all = await handle.activations(x);
    const tail = await handle.activations(x.subarray(1050 * 16));
    all.forEach((layer, l) => expect(Array.from(layer.subarray(1050 * handle.neuronLayers[l].units))).toEqual(Array.from(tail[l])));
  });

  it('counts activations as forward passes', async () => {
    const counters = zeroCost();
    const metered = meteredModel(wrapLayersModel('cnn', smallCnn(4)), counters);
    await metered.activations(inputs(5, 4));
    expect(counters).toEqual({ forward: 5, gradient: 0, solver_calls: 0 });
  });
});

describe('the objective loss', () => {
  const objective = (): LossSpec => ({
    kind: 'objective',
    logitWeights: Float32Array.from([-1, 0.5, 0.5, 0, /* sample 2 */ 0, 0, 1, -0.25]),
    neurons: [
      [{ layer: 0, unit: 1, weight: 0.7 }, { layer: 1, unit: 2, weight: -0.4 }, { layer: 1, unit: 2, weight: 0.1 }],
      [{ layer: 2, unit: 0, weight: 2 }],
    ],
  });

  it('is the weighted logits plus the weighted neurons of each sample', async () => {
    const handle = wrapLayersModel('cnn', smallCnn(5));
    const x = inputs(2, 5);
    const [conv, hidden, out] = await handle.activations(x);
    const { loss } = await handle.inputGradient(x, objective());
    expect(loss[0]).toBeCloseTo(-out[0] + 0.5 * out[1] + 0.5 * out[2] + 0.7 * conv[1] - 0.3 * hidden[2], 5);
    expect(loss[1]).toBeCloseTo(out[6] - 0.25 * out[7] + 2 * out[4], 5);
  });

  it('has the gradient finite differences give', async () => {
    const handle = wrapLayersModel('cnn', smallCnn(6));
    const x = inputs(2, 6);
    const spec = objective();
    const { gradient } = await handle.inputGradient(x, spec);
    const h = 1e-2;
    for (let k = 0; k < x.length; k++) {
      const plus = x.slice();
      plus[k] += h;
      const minus = x.slice();
      minus[k] -= h;
      const sample = Math.floor(k / 16);
      const up = (await handle.inputGradient(plus, spec)).loss[sample];
      const down = (await handle.inputGradient(minus, spec)).loss[sample];
      expect(gradient[k]).toBeCloseTo((up - down) / (2 * h), 2);
    }
  });

  it('rejects terms that name no neuron and weights of the wrong size', async () => {
    const handle = wrapLayersModel('cnn', smallCnn(7));
    const x = inputs(1, 7);
    await expect(handle.inputGradient(x, { kind: 'objective', logitWeights: new Float32Array(4), neurons: [[{ layer: 3, unit: 0, weight: 1 }]] })).rejects.toThrow(/names no neuron/);
    await expect(handle.inputGradient(x, { kind: 'objective', logitWeights: new Float32Array(3), neurons: [[]] })).rejects.toThrow(/3 logit weights/);
  });

  it('leaks no tensors', async () => {
    const handle = wrapLayersModel('cnn', smallCnn(8));
    const x = inputs(2, 8);
    await handle.activations(x);
    const before = tf.memory().numTensors;
    await handle.activations(x);
    await handle.inputGradient(x, objective());
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches the linear test model, whose one neuron layer is its logits', async () => {
    const model = linearModel({ weights: [[1, -2], [0.5, 3], [-1, 1]], bias: [0, 1, -1] });
    const x = Float32Array.from([0.2, 0.9]);
    const [logits] = await model.activations(x);
    expect(Array.from(logits)).toEqual(Array.from(await model.predict(x)));
    const { gradient, loss } = await model.inputGradient(x, {
      kind: 'objective',
      logitWeights: Float32Array.from([1, -1, 0]),
      neurons: [[{ layer: 0, unit: 2, weight: 2 }]],
    });
    // z0 − z1 + 2·z2 = (1 − 0.5 − 2)·x0 + (−2 − 3 + 2)·x1 + (0 − 1 − 2)
    expect(Array.from(gradient)).toEqual([Math.fround(-1.5), -3]);
    expect(loss[0]).toBeCloseTo(-1.5 * 0.2 - 3 * 0.9 - 3, 6);
  });
});
