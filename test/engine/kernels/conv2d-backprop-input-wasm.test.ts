import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../harness/engine/backend.js';
import { nativeKernels, useNativeKernels } from '../../../harness/engine/kernels/native-kernels.js';
import { createRng } from '../../../harness/rng.js';

type Pad = 'same' | 'valid';
interface Case { x: [number, number, number, number]; filter: [number, number, number, number]; strides: number | [number, number]; pad: Pad }

// stride-1 cases take the XNNPACK path, those with few input channels on column groups; strided ones
// fall back to the native kernel
const CASES: Case[] = [
  { x: [3, 28, 28, 1], filter: [5, 5, 1, 6], strides: 1, pad: 'same' },
  { x: [2, 12, 12, 1], filter: [5, 5, 1, 4], strides: 1, pad: 'valid' },
  { x: [2, 10, 10, 1], filter: [3, 3, 1, 8], strides: 1, pad: 'valid' },
  { x: [2, 7, 7, 1], filter: [5, 5, 1, 3], strides: 1, pad: 'same' },
  { x: [2, 9, 8, 1], filter: [2, 4, 1, 5], strides: 1, pad: 'same' },
  { x: [2, 8, 10, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 6, 9, 1], filter: [3, 1, 1, 2], strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'valid' },
  { x: [2, 7, 6, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'same' },
  { x: [2, 8, 8, 2], filter: [4, 2, 2, 3], strides: 1, pad: 'same' },
  { x: [3, 12, 12, 6], filter: [5, 5, 6, 16], strides: 1, pad: 'valid' },
  { x: [2, 26, 26, 8], filter: [3, 3, 8, 16], strides: 1, pad: 'valid' },
  { x: [3, 8, 9, 2], filter: [3, 3, 2, 4], strides: 2, pad: 'same' },
];

function random(shape: number[], seed: string): Float32Array {
  const rng = createRng('conv2d-backprop-input', seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

/** The input gradient of sum(conv2d(x, w) · dy), which tfjs computes with Conv2DBackpropInput. */
function inputGradient(c: Case, w: Float32Array, dy: Float32Array): Float32Array {
  return tf.tidy(() => {
    const weights = tf.tensor4d(w, c.filter);
    const grad = tf.grad((x: tf.Tensor) => {
      const y = tf.conv2d(x as tf.Tensor4D, weights, c.strides, c.pad);
      return y.mul(tf.tensor(dy, y.shape)).sum();
    })(tf.zeros(c.x));
    return grad.dataSync() as Float32Array;
  });
}

// with gauntlet's native kernels (when built) and with the wasm kernels alone
const PATHS = nativeKernels() === undefined ? ['wasm kernels'] : ['native', 'wasm kernels'];

describe.each(PATHS)('Conv2DBackpropInput on wasm (%s)', (path) => {
  beforeAll(() => useNativeKernels(path === 'native'));
  afterAll(() => useNativeKernels(true));

  it.each(CASES)('matches the cpu backend for x %j', async (c) => {
    await selectBackend('cpu');
    const dyShape = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
    const w = random(c.filter, `w${JSON.stringify(c)}`);
    const dy = random(dyShape, `dy${JSON.stringify(c)}`);
    const expected = inputGradient(c, w, dy);
    await selectBackend('wasm');
    const actual = inputGradient(c, w, dy);
    let maxDiff = 0;
    let scale = 0;
    for (let i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    expect(actual.length).toBe(expected.length);
    expect(maxDiff).toBeLessThan(1e-3 * Math.max(1, scale));
  });

  it.each([
    { x: [2, 7, 6, 3], filter: [3, 3, 3, 5], dy: [2, 7, 6, 5] },
    { x: [2, 7, 6, 8], filter: [3, 3, 8, 4], dy: [2, 7, 6, 4] },
    { x: [2, 8, 8, 1], filter: [5, 5, 1, 6], dy: [2, 8, 8, 6] },
  ])('frees every intermediate for %j', async (c) => {
    await selectBackend('wasm');
    const dy = tf.tensor(random(c.dy, 'leak-dy'), c.dy);
    const filter = tf.tensor(random(c.filter, 'leak-w'), c.filter);
    const dataBefore = tf.engine().backend.numDataIds();
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: c.x }) as tf.Tensor;
    expect(dx.shape).toEqual(c.x);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    tf.dispose([dx, dy, filter]);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore - 2);
  });
});
