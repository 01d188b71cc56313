// The native kernels' helper threads (native/src/addon.cc, class Helpers) under contention: two
// JavaScript threads run large matrix products on 2 threads each at the same time, so one of them
// finds the helpers busy and runs its blocks alone. Every product must still equal the one-thread
// product bit for bit, and nothing may hang.
import { describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { nativeKernels, nativeKernelsStatus } from '../../../harness/engine/kernels/native-kernels.js';
import { createRng } from '../../../harness/rng.js';

const kernels = nativeKernels();
const describeNative = kernels === undefined ? describe.skip : describe;
if (kernels === undefined) console.log(`native helper tests skipped: the addon is ${nativeKernelsStatus()}`);

const ADDON = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native', 'build', 'Release', 'gauntlet_kernels.node');
// m k n: 2.9M multiply-adds, above the addon's 2M threshold for using helpers, in 16 row blocks
const M = 750;
const K = 64;
const N = 60;
const ROUNDS = 200;

function data(seed: string): { a: Float32Array; b: Float32Array } {
  const rng = createRng('native-helpers', seed);
  return { a: Float32Array.from({ length: M * K }, () => rng.normal()), b: Float32Array.from({ length: K * N }, () => rng.normal()) };
}

/**
 * A worker that loads the addon itself, says it has started (state[0] = 1), runs the product ROUNDS
 * times on 2 threads and says it is done (state[0] = 2) before it returns each result.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.addon);
const { a, b, m, k, n, rounds, state } = workerData;
const flag = new Int32Array(state);
const outs = [];
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
for (let r = 0; r < rounds; r++) {
  const c = new Float32Array(m * n).fill(NaN);
  addon.matMul(Int32Array.of(1, m, k, n, 0, 0, 0, 0, 2), a, b, null, false, c);
  outs.push(c);
}
Atomics.store(flag, 0, 2);
parentPort.postMessage(outs);
`;

const sameBits = (x: Float32Array, y: Float32Array): boolean =>
  Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)) === 0;

describeNative('native kernels: helper threads shared by two JavaScript threads', () => {
  it('give every product the one-thread result bit for bit while both threads ask for them', async () => {
    const k = kernels!;
    const { a, b } = data('contention');
    const product = (threads: number): Float32Array => {
      const c = new Float32Array(M * N).fill(NaN);
      k.matMul(Int32Array.of(1, M, K, N, 0, 0, 0, 0, threads), a, b, null, false, c);
      return c;
    };
    const one = product(1);
    const state = new SharedArrayBuffer(4);
    const flag = new Int32Array(state);
    const worker = new Worker(WORKER, { eval: true, workerData: { addon: ADDON, a, b, m: M, k: K, n: N, rounds: ROUNDS, state } });
    const fromWorker = new Promise<Float32Array[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // once the worker runs, the main thread computes products until the worker is done
    expect(Atomics.wait(flag, 0, 0, 30_000)).not.toBe('timed-out');
    const mine: Float32Array[] = [];
    let overlapping = 0;
    while (mine.length < ROUNDS || Atomics.load(flag, 0) !== 2) {
      const running = Atomics.load(flag, 0) === 1;
      mine.push(product(2));
      if (running) overlapping++;
      if (mine.length > 100 * ROUNDS) break;
    }
    const theirs = await fromWorker;
    await worker.terminate();
    const differing = [...mine, ...theirs].filter((c) => !sameBits(c, one)).length;
    expect({ differing, workerProducts: theirs.length }).toEqual({ differing: 0, workerProducts: ROUNDS });
    // the two threads did overlap (else the busy path went untested)
    expect(overlapping).toBeGreaterThan(ROUNDS / 2);
    expect(one.every(Number.isFinite)).toBe(true);
  }, 60_000);
});
