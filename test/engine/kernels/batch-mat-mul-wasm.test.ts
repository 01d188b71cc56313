import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../harness/engine/backend.js';
import { nativeKernels, useNativeKernels } from '../../../harness/engine/kernels/native-kernels.js';
import { createRng } from '../../../harness/rng.js';

interface Case { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }

const CASES: Case[] = [
  { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false },
  { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false },
  { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
  { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
  { a: [2, 7, 5], b: [2, 7, 3], transposeA: true, transposeB: false },
  { a: [2, 4, 5, 7], b: [2, 4, 3, 7], transposeA: false, transposeB: true },
  { a: [1, 9, 6], b: [3, 4, 9], transposeA: true, transposeB: true },
];

function random(shape: number[], seed: string): Float32Array {
  const rng = createRng('batch-mat-mul', seed);
  return Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => rng.normal());
}

function product(c: Case, a: Float32Array, b: Float32Array): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    const out = tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.transposeA, c.transposeB);
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

// with gauntlet's native kernels (when built) and with the wasm kernels alone
const PATHS = nativeKernels() === undefined ? ['wasm kernels'] : ['native', 'wasm kernels'];

describe.each(PATHS)('BatchMatMul on wasm (%s)', (path) => {
  beforeAll(() => useNativeKernels(path === 'native'));
  afterAll(() => useNativeKernels(true));

  it.each(CASES)('matches the cpu backend for %j', async (c) => {
    const a = random(c.a, `a${JSON.stringify(c)}`);
    const b = random(c.b, `b${JSON.stringify(c)}`);
    await selectBackend('cpu');
    const expected = product(c, a, b);
    await selectBackend('wasm');
    const actual = product(c, a, b);
    expect(actual.shape).toEqual(expected.shape);
    for (let i = 0; i < expected.values.length; i++) expect(Math.abs(actual.values[i] - expected.values[i])).toBeLessThan(1e-4);
  });

  it('frees the transposed copies', async () => {
    await selectBackend('wasm');
    const a = tf.tensor(random([7, 5], 'leak-a'), [7, 5]);
    const b = tf.tensor(random([3, 7], 'leak-b'), [3, 7]);
    const dataBefore = tf.engine().backend.numDataIds();
    const out = tf.matMul(a, b, true, true);
    expect(out.shape).toEqual([5, 3]);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    tf.dispose([out, a, b]);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore - 2);
  });
});
