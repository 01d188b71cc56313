import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../harness/engine/backend.js';
import { nativeKernels, useNativeKernels } from '../../../harness/engine/kernels/native-kernels.js';
import { createRng } from '../../../harness/rng.js';

type Pad = 'same' | 'valid' | number;
interface Case { x: [number, number, number, number]; filter: number | [number, number]; strides: number | [number, number]; pad: Pad }

const CASES: Case[] = [
  { x: [3, 28, 28, 6], filter: 2, strides: 2, pad: 'valid' },
  { x: [2, 8, 8, 3], filter: 2, strides: 2, pad: 'same' },
  { x: [2, 7, 7, 3], filter: 2, strides: 2, pad: 'same' },
  { x: [2, 7, 9, 2], filter: 2, strides: 2, pad: 'valid' },
  { x: [2, 9, 8, 4], filter: 3, strides: 2, pad: 'same' },
  { x: [1, 10, 11, 2], filter: 3, strides: 1, pad: 'valid' },
  { x: [2, 6, 7, 3], filter: 2, strides: 1, pad: 'valid' },
  { x: [2, 6, 7, 3], filter: [2, 3], strides: [1, 2], pad: 'same' },
  { x: [2, 11, 10, 2], filter: 4, strides: 3, pad: 'same' },
  { x: [2, 8, 8, 2], filter: 3, strides: 2, pad: 1 },
];

/** normal: continuous values of both signs; ties: a ReLU's output on a coarse grid, mostly zeros and repeats. */
type Values = 'normal' | 'ties' | 'negative';

function random(shape: readonly number[], seed: string, values: Values = 'normal'): Float32Array {
  const rng = createRng('max-pool-grad', seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    const v = rng.normal();
    if (values === 'ties') return Math.max(0, Math.round(v * 2) / 2);
    return values === 'negative' ? -Math.abs(v) : v;
  });
}

/** The input gradient of sum(maxPool(x) · dy), which tfjs computes with MaxPoolGrad. */
function inputGradient(c: Case, x: Float32Array, dy: Float32Array): Float32Array {
  return tf.tidy(() => {
    const grad = tf.grad((input: tf.Tensor) => {
      const y = tf.maxPool(input as tf.Tensor4D, c.filter, c.strides, c.pad);
      return y.mul(tf.tensor(dy, y.shape)).sum();
    })(tf.tensor(x, c.x));
    return grad.dataSync() as Float32Array;
  });
}

function outputShape(c: Case): number[] {
  return tf.tidy(() => tf.maxPool(tf.zeros(c.x) as tf.Tensor4D, c.filter, c.strides, c.pad).shape);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  return diff;
}

/** Bit patterns, so that the comparison also tells −0 from 0 and sees NaN. */
function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

// with gauntlet's native kernels (when built) and with the wasm kernels alone
const PATHS = nativeKernels() === undefined ? ['wasm kernels'] : ['native', 'wasm kernels'];

describe.each(PATHS)('MaxPoolGrad on wasm (%s)', (path) => {
  beforeAll(() => useNativeKernels(path === 'native'));
  afterAll(() => useNativeKernels(true));

  it.each(CASES.flatMap((c) => (['normal', 'ties', 'negative'] as const).map((values) => ({ ...c, values }))))(
    'matches the cpu backend bit for bit for %j',
    async ({ values, ...c }) => {
      const x = random(c.x, `x${JSON.stringify(c)}`, values);
      const dy = random(outputShape(c), `dy${JSON.stringify(c)}`);
      await selectBackend('cpu');
      const expected = inputGradient(c, x, dy);
      await selectBackend('wasm');
      const actual = inputGradient(c, x, dy);
      expect(actual.length).toBe(expected.length);
      expect(maxAbsDiff(actual, expected)).toBe(0);
      expect(bits(actual)).toEqual(bits(expected));
    },
  );

  it('passes no gradient from windows of NaN and −∞ only, and none to NaN', async () => {
    const shape: [number, number, number, number] = [1, 4, 4, 1];
    const x = Float32Array.from([
      NaN, NaN, -Infinity, -Infinity,
      NaN, NaN, -Infinity, NaN,
      1, NaN, 0, 0,
      NaN, 1, 0, -0,
    ]);
    const dy = Float32Array.from([1, 2, 3, 4]);
    const run = (): Float32Array => tf.tidy(() => {
      const input = tf.tensor(x, shape);
      const output = tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid');
      const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
      const dx = tf.engine().runKernel('MaxPoolGrad', { dy: tf.tensor(dy, [1, 2, 2, 1]), input, output }, attrs) as tf.Tensor;
      return dx.dataSync() as Float32Array;
    });
    await selectBackend('cpu');
    const expected = run();
    await selectBackend('wasm');
    const actual = run();
    expect(Array.from(actual)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0]);
    expect(bits(actual)).toEqual(bits(expected));
  });

  it('allocates only its output', async () => {
    await selectBackend('wasm');
    const c = CASES[4];
    const input = tf.tensor(random(c.x, 'leak-x'), c.x);
    const output = tf.maxPool(input as tf.Tensor4D, c.filter, c.strides, c.pad);
    const dy = tf.tensor(random(output.shape, 'leak-dy'), output.shape);
    const dataBefore = tf.engine().backend.numDataIds();
    const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input, output }, { filterSize: c.filter, strides: c.strides, pad: c.pad }) as tf.Tensor;
    expect(dx.shape).toEqual(c.x);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    tf.dispose([dx, dy, input, output]);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore - 3);
  });
});
