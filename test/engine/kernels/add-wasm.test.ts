import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../harness/engine/backend.js';
import { createRng } from '../../../harness/rng.js';

interface Case { a: number[]; b: number[] }

// the first cases take the long-row path (one operand full, the other a short trailing block);
// the others stay on the native kernel
const CASES: Case[] = [
  { a: [3, 28, 28, 6], b: [6] },
  { a: [6], b: [3, 28, 28, 6] },
  { a: [2, 14, 14, 16], b: [1, 1, 1, 16] },
  { a: [4, 5, 7, 3], b: [7, 3] },
  { a: [5, 120], b: [120] },
  { a: [2, 3, 4], b: [1, 3, 4] },
  { a: [3, 1000], b: [1000] },
  { a: [3, 4, 5], b: [3, 1, 5] },
  { a: [3, 4, 1], b: [1, 4, 5] },
  { a: [3, 4, 5], b: [] },
  { a: [3, 4, 5], b: [3, 4, 5] },
  { a: [0, 4], b: [4] },
];

function random(shape: number[], seed: string): Float32Array {
  const rng = createRng('add', seed);
  return Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, (_, i) => (i % 17 === 3 ? [Infinity, -Infinity, NaN, -0][i % 4] : rng.normal()));
}

function add(c: Case, a: Float32Array, b: Float32Array): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => {
    const out = tf.add(tf.tensor(a, c.a), tf.tensor(b, c.b));
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

describe('Add on wasm', () => {
  it.each(CASES)('matches the cpu backend bit for bit for %j', async (c) => {
    const a = random(c.a, `a${JSON.stringify(c)}`);
    const b = random(c.b, `b${JSON.stringify(c)}`);
    await selectBackend('cpu');
    const expected = add(c, a, b);
    await selectBackend('wasm');
    const actual = add(c, a, b);
    expect(actual.shape).toEqual(expected.shape);
    let maxDiff = 0;
    for (let i = 0; i < expected.values.length; i++) if (Number.isFinite(expected.values[i])) maxDiff = Math.max(maxDiff, Math.abs(actual.values[i] - expected.values[i]));
    expect(maxDiff).toBe(0);
    // NaN payloads may differ between engines; everything else must be the same bits
    const exact = (v: Float32Array): number[] => Array.from(bits(v), (w, i) => (Number.isNaN(v[i]) ? -1 : w));
    expect(exact(actual.values)).toEqual(exact(expected.values));
  });

  it('adds int32 tensors on the native kernel', async () => {
    await selectBackend('wasm');
    const out = tf.add(tf.tensor([[1, 2], [3, 4]], [2, 2], 'int32'), tf.tensor([10, 20], [2], 'int32'));
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual([11, 22, 13, 24]);
    out.dispose();
  });

  it('frees the repeated operand', async () => {
    await selectBackend('wasm');
    const a = tf.tensor(random([2, 8, 8, 6], 'leak-a'), [2, 8, 8, 6]);
    const b = tf.tensor(random([6], 'leak-b'), [6]);
    const dataBefore = tf.engine().backend.numDataIds();
    const out = tf.add(a, b);
    expect(out.shape).toEqual([2, 8, 8, 6]);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    tf.dispose([out, a, b]);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore - 2);
  });
});
