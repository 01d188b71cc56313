import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../harness/engine/backend.js';
import { nativeKernels, useNativeKernels } from '../../../harness/engine/kernels/native-kernels.js';
import { createRng } from '../../../harness/rng.js';

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides?: number;
  dilations?: number;
  pad: Pad;
  bias?: boolean;
  activation?: 'linear' | 'relu' | 'elu' | 'relu6' | 'prelu' | 'leakyrelu' | 'sigmoid';
}

// few input or output channels at stride 1 take column groups; the others stay on the native kernel
const CASES: Case[] = [
  { x: [3, 28, 28, 1], filter: [5, 5, 1, 6], pad: 'same' },
  { x: [2, 28, 28, 6], filter: [5, 5, 6, 1], pad: 'same' },
  { x: [2, 12, 12, 1], filter: [5, 5, 1, 4], pad: 'valid' },
  { x: [2, 10, 10, 16], filter: [3, 3, 16, 1], pad: 'valid' },
  { x: [2, 7, 7, 6], filter: [5, 5, 6, 2], pad: 'same' },
  { x: [2, 9, 8, 3], filter: [2, 4, 3, 1], pad: 'same' },
  { x: [2, 8, 9, 5], filter: [3, 3, 5, 1], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [2, 14, 14, 6], filter: [5, 5, 6, 16], pad: 'same' },
  { x: [2, 9, 9, 1], filter: [3, 3, 1, 4], strides: 2, pad: 'same' },
  { x: [2, 12, 12, 1], filter: [3, 3, 1, 4], dilations: 2, pad: 'same' },
  { x: [3, 28, 28, 1], filter: [5, 5, 1, 6], pad: 'same', bias: true, activation: 'relu' },
  { x: [2, 12, 12, 6], filter: [5, 5, 6, 1], pad: 'valid', bias: true, activation: 'elu' },
  { x: [2, 12, 12, 1], filter: [5, 5, 1, 4], pad: 'same', activation: 'relu6' },
  { x: [2, 12, 12, 1], filter: [5, 5, 1, 4], pad: 'same', bias: true, activation: 'leakyrelu' },
  { x: [2, 12, 12, 1], filter: [5, 5, 1, 4], pad: 'same', bias: true, activation: 'prelu' },
];

function random(shape: number[], seed: string): Float32Array {
  const rng = createRng('conv2d', seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

function convolve(c: Case, x: Float32Array, w: Float32Array, b: Float32Array): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    const input = tf.tensor4d(x, c.x);
    const filter = tf.tensor4d(w, c.filter);
    const out = c.activation === undefined && c.bias !== true
      ? tf.conv2d(input, filter, c.strides ?? 1, c.pad, 'NHWC', c.dilations ?? 1)
      : tf.fused.conv2d({
        x: input, filter, strides: c.strides ?? 1, pad: c.pad, dilations: c.dilations ?? 1,
        bias: c.bias === true ? tf.tensor1d(b) : undefined,
        activation: c.activation,
        preluActivationWeights: c.activation === 'prelu' ? tf.scalar(0.3) : undefined,
        leakyreluAlpha: 0.1,
      });
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

// with gauntlet's native kernels (when built) and with the wasm kernels alone
const PATHS = nativeKernels() === undefined ? ['wasm kernels'] : ['native', 'wasm kernels'];

describe.each(PATHS)('Conv2D and FusedConv2D on wasm (%s)', (path) => {
  beforeAll(() => useNativeKernels(path === 'native'));
  afterAll(() => useNativeKernels(true));

  it.each(CASES)('match the cpu backend for %j', async (c) => {
    const x = random(c.x, `x${JSON.stringify(c)}`);
    const w = random(c.filter, `w${JSON.stringify(c)}`);
    const b = random([c.filter[3]], `b${JSON.stringify(c)}`);
    await selectBackend('cpu');
    const expected = convolve(c, x, w, b);
    await selectBackend('wasm');
    const actual = convolve(c, x, w, b);
    expect(actual.shape).toEqual(expected.shape);
    let maxDiff = 0;
    let scale = 0;
    for (let i = 0; i < expected.values.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(actual.values[i] - expected.values[i]));
      scale = Math.max(scale, Math.abs(expected.values[i]));
    }
    expect(maxDiff).toBeLessThan(1e-5 * Math.max(1, scale));
  });

  it.each([false, true])('frees every intermediate (fused: %s)', async (fused) => {
    await selectBackend('wasm');
    const x = tf.tensor4d(random([2, 12, 12, 1], 'leak-x'), [2, 12, 12, 1]);
    const filter = tf.tensor4d(random([5, 5, 1, 4], 'leak-w'), [5, 5, 1, 4]);
    const bias = tf.tensor1d(random([4], 'leak-b'));
    const dataBefore = tf.engine().backend.numDataIds();
    const y = fused ? tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias, activation: 'relu' }) : tf.conv2d(x, filter, 1, 'same');
    expect(y.shape).toEqual([2, 12, 12, 4]);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    tf.dispose([y, x, filter, bias]);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore - 3);
  });
});
