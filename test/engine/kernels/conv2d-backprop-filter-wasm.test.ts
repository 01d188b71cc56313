import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../harness/engine/backend.js';
import { createRng } from '../../../harness/rng.js';

type Pad = 'same' | 'valid';
interface Case { x: [number, number, number, number]; filter: [number, number, number, number]; strides: number | [number, number]; pad: Pad }

const CASES: Case[] = [
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { x: [3, 8, 9, 2], filter: [3, 2, 2, 4], strides: 2, pad: 'valid' },
  { x: [3, 8, 9, 2], filter: [3, 3, 2, 4], strides: 2, pad: 'same' },
  { x: [1, 9, 9, 1], filter: [4, 4, 1, 2], strides: [3, 2], pad: 'same' },
  { x: [2, 10, 11, 4], filter: [5, 5, 4, 3], strides: [2, 3], pad: 'valid' },
  { x: [4, 28, 28, 1], filter: [5, 5, 1, 6], strides: 1, pad: 'valid' },
  { x: [2, 6, 6, 3], filter: [1, 1, 3, 2], strides: 1, pad: 'valid' },
];

function random(shape: number[], seed: string): Float32Array {
  const rng = createRng('conv2d-backprop-filter', seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

/** The filter gradient of sum(conv2d(x, w) · dy), which tfjs computes with Conv2DBackpropFilter. */
function filterGradient(c: Case, x: Float32Array, dy: Float32Array): Float32Array {
  return tf.tidy(() => {
    const input = tf.tensor4d(x, c.x);
    const weights = tf.zeros(c.filter);
    const grad = tf.grad((w: tf.Tensor) => {
      const y = tf.conv2d(input, w as tf.Tensor4D, c.strides, c.pad);
      return y.mul(tf.tensor(dy, y.shape)).sum();
    })(weights);
    return grad.dataSync() as Float32Array;
  });
}

function outputShape(c: Case): number[] {
  return tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
}

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(CASES)('matches the cpu backend for x %j', async (c) => {
    await selectBackend('cpu');
    const dyShape = outputShape(c);
    const x = random(c.x, `x${JSON.stringify(c)}`);
    const dy = random(dyShape, `dy${JSON.stringify(c)}`);
    const expected = filterGradient(c, x, dy);
    await selectBackend('wasm');
    const actual = filterGradient(c, x, dy);
    expect(actual.length).toBe(expected.length);
    let maxDiff = 0;
    let scale = 0;
    for (let i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    console.log(`x ${c.x} filter ${c.filter} strides ${c.strides} ${c.pad}: max |wasm − cpu| = ${maxDiff.toExponential(2)} (max |dW| ${scale.toFixed(2)})`);
    expect(maxDiff).toBeLessThan(1e-3 * Math.max(1, scale));
  });

  it('frees every intermediate', async () => {
    await selectBackend('wasm');
    const c = CASES[3];
    const x = tf.tensor4d(random(c.x, 'leak-x'), c.x);
    const dy = tf.tensor(random(outputShape(c), 'leak-dy'), outputShape(c));
    const tensorsBefore = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }) as tf.Tensor;
    expect(dw.shape).toEqual(c.filter);
    expect(tf.memory().numTensors).toBe(tensorsBefore + 1);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    dw.dispose();
    x.dispose();
    dy.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore - 2);
  });
});
