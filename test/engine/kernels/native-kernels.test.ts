// gauntlet's native kernels (native/, harness/engine/kernels/native-kernels.ts) called directly on
// Float32Arrays, with each instruction set the CPU has, against the tfjs cpu backend; then MaxPool and
// _FusedMatMul through tfjs on the wasm backend, with the native kernels on and off. Without the addon
// the native blocks skip with one log line saying why, unless GAUNTLET_REQUIRE_NATIVE=1 asks for it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../harness/engine/backend.js';
import { nativeBuildStaleness, nativeKernels, nativeKernelsStatus, nativeSourcesHash, useNativeKernels, type NativeKernels } from '../../../harness/engine/kernels/native-kernels.js';
import { createRng } from '../../../harness/rng.js';

type Isa = 'avx2' | 'generic';
type Shape4 = [number, number, number, number];

const NATIVE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native');
const kernels: NativeKernels | undefined = nativeKernels();
const required = process.env.GAUNTLET_REQUIRE_NATIVE === '1';

/** The instruction sets this CPU runs, and the one the addon picked; useIsa throws for the others. */
function probeIsas(native: NativeKernels | undefined): { isas: Isa[]; initial: Isa | undefined } {
  if (native === undefined) return { isas: [], initial: undefined };
  const initial = native.isa() as Isa;
  const isas: Isa[] = [];
  for (const isa of ['avx2', 'generic'] as const) {
    try {
      native.useIsa(isa);
      isas.push(isa);
    } catch {
      // not on this CPU
    }
  }
  native.useIsa(initial);
  return { isas, initial };
}

const { isas: ISAS, initial: INITIAL_ISA } = probeIsas(kernels);
const describeNative = kernels === undefined ? describe.skip : describe;
const describeBothIsas = ISAS.length === 2 ? describe : describe.skip;

if (kernels === undefined) {
  console.log(`native kernel tests skipped: the addon is ${nativeKernelsStatus()}`);
} else if (ISAS.length < 2) {
  console.log(`native kernels: only ${ISAS.join(', ')} here, so avx2 and generic are not compared`);
}

/** The addon, in tests that describeNative skips when it is missing. */
function addon(): NativeKernels {
  if (kernels === undefined) throw new Error(`native kernels unavailable: ${nativeKernelsStatus()}`);
  return kernels;
}

function restoreIsa(): void {
  if (kernels !== undefined && INITIAL_ISA !== undefined) kernels.useIsa(INITIAL_ISA);
}

// ---------------------------------------------------------------------------------------------
// inputs and comparisons

/** normal: both signs; ties: a ReLU's output on a coarse grid; negative: all below zero; special: NaN, ±∞, ±0 and ties. */
type Values = 'normal' | 'ties' | 'negative' | 'special';

function random(length: number, seed: string, values: Values = 'normal'): Float32Array {
  const rng = createRng('native-kernels', seed);
  return Float32Array.from({ length }, () => {
    const v = rng.normal();
    if (values === 'ties') return Math.max(0, Math.round(v * 2) / 2);
    if (values === 'negative') return -Math.abs(v) - 1e-3;
    if (values === 'special') {
      const u = rng.next();
      if (u < 0.2) return NaN;
      if (u < 0.35) return -Infinity;
      if (u < 0.4) return Infinity;
      if (u < 0.55) return -0;
      if (u < 0.65) return 0;
      return Math.round(v * 2) / 2;
    }
    return v;
  });
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

interface Closeness { maxDiff: number; scale: number; tolerance: number }

function closeness(actual: Float32Array, expected: Float32Array): Closeness {
  let maxDiff = actual.length === expected.length ? 0 : Infinity;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    // NaN anywhere fails the comparison (Math.max would carry it, but be explicit)
    maxDiff = Number.isNaN(diff) ? Infinity : Math.max(maxDiff, diff);
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return { maxDiff, scale, tolerance: 1e-5 * Math.max(1, scale) };
}

/** The largest differences seen, per kernel and instruction set, logged once at the end. */
const observed = new Map<string, number>();

function record(key: string, maxDiff: number): void {
  observed.set(key, Math.max(observed.get(key) ?? 0, maxDiff));
}

/** Fails with the max abs diff and the tolerance in the message. */
function expectClose(actual: Float32Array, expected: Float32Array, key: string): void {
  const { maxDiff, tolerance } = closeness(actual, expected);
  record(key, maxDiff);
  expect({ length: actual.length, maxAbsDiff: maxDiff, withinTolerance: maxDiff < tolerance, tolerance })
    .toEqual({ length: expected.length, maxAbsDiff: maxDiff, withinTolerance: true, tolerance });
}

function hex(bits: number): string {
  return `0x${bits.toString(16).padStart(8, '0')}`;
}

/** Compares bit patterns (tells −0 from 0, NaN payloads apart); fails naming the first difference. */
function expectBitExact(actual: Float32Array, expected: Float32Array, key: string): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  let mismatches = 0;
  let first: { index: number; actual: string; expected: string } | undefined;
  for (let i = 0; i < Math.min(a.length, e.length); i++) {
    if (a[i] !== e[i]) {
      mismatches++;
      first ??= { index: i, actual: `${actual[i]} (${hex(a[i])})`, expected: `${expected[i]} (${hex(e[i])})` };
    }
  }
  record(key, mismatches === 0 ? 0 : closeness(actual, expected).maxDiff);
  expect({ length: actual.length, mismatches, first }).toEqual({ length: expected.length, mismatches: 0, first: undefined });
}

afterAll(() => {
  if (observed.size > 0) {
    const lines = [...observed].map(([key, diff]) => `${key}: ${diff === 0 ? '0' : diff.toExponential(2)}`);
    console.log(`native kernels, max |native − reference| per kernel: ${lines.join('; ')}`);
  }
});

// ---------------------------------------------------------------------------------------------
// cases and references (cpu backend)

interface ConvCase { x: Shape4; filter: Shape4; pad: 'same' | 'valid'; why: string }

// Channel mode (co > 4) tiles R pixels of a row (R = 8, 4 or 3 for 1, 2 and 3-4 blocks of 8 output
// channels) and redoes the last R when ow >= R, else runs pairs and singles; pixel mode (co <= 4)
// tiles 8·XC columns and, for co = 1, two rows (redoing the last two when oh is odd).
const CONV_CASES: ConvCase[] = [
  { x: [2, 14, 14, 6], filter: [5, 5, 6, 16], pad: 'same', why: 'LeNet C3, 2 blocks' },
  { x: [2, 14, 14, 6], filter: [5, 5, 6, 16], pad: 'valid', why: 'LeNet C3 valid' },
  { x: [2, 9, 11, 3], filter: [3, 3, 3, 6], pad: 'same', why: 'co 6: one partial block' },
  { x: [1, 10, 12, 3], filter: [3, 3, 3, 40], pad: 'valid', why: 'co 40: 4 blocks then 1' },
  { x: [2, 5, 3, 4], filter: [3, 3, 4, 12], pad: 'same', why: 'ow 3 < R 4: a pair and a single' },
  { x: [2, 6, 5, 2], filter: [3, 3, 2, 24], pad: 'same', why: 'ow 5, R 3: last tile redone' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 9], pad: 'same', why: 'ow 7 < 8, 2 blocks' },
  { x: [2, 6, 7, 2], filter: [3, 3, 2, 5], pad: 'same', why: 'ow 7 < R 8: pairs and a single' },
  { x: [1, 4, 7, 2], filter: [2, 2, 2, 8], pad: 'same', why: 'even kernel, same' },
  { x: [2, 8, 9, 3], filter: [4, 4, 3, 7], pad: 'same', why: 'even kernel 4, top 1' },
  { x: [1, 6, 6, 2], filter: [4, 2, 2, 32], pad: 'same', why: '4 blocks' },
  { x: [2, 28, 28, 1], filter: [5, 5, 1, 1], pad: 'same', why: 'pixel mode co 1, LeNet input gradient' },
  { x: [2, 7, 5, 3], filter: [3, 3, 3, 1], pad: 'same', why: 'pixel co 1, oh 7 odd, ow 5 < 8' },
  { x: [1, 1, 5, 2], filter: [1, 3, 2, 1], pad: 'same', why: 'pixel co 1, oh 1 < 2 rows' },
  { x: [2, 9, 13, 2], filter: [3, 3, 2, 2], pad: 'valid', why: 'pixel co 2, ow 11' },
  { x: [2, 11, 19, 6], filter: [5, 5, 6, 3], pad: 'same', why: 'pixel co 3, ow 19' },
  { x: [2, 12, 30, 3], filter: [4, 4, 3, 4], pad: 'same', why: 'pixel co 4, even kernel, two chunks' },
  { x: [1, 5, 50, 1], filter: [2, 3, 1, 1], pad: 'valid', why: 'pixel co 1, ow 48, two chunks' },
  { x: [2, 3, 3, 2], filter: [2, 2, 2, 4], pad: 'same', why: 'pixel co 4, ow 3' },
];

// the input gradient convolves dy with the turned filter: its "co" is the forward c, so more cases
// with c > 4 take channel mode there
const BACKPROP_CASES: ConvCase[] = [
  ...CONV_CASES,
  { x: [2, 7, 5, 8], filter: [3, 3, 8, 3], pad: 'same', why: 'back channel mode c 8, ow 5' },
  { x: [1, 9, 3, 40], filter: [3, 3, 40, 2], pad: 'valid', why: 'back c 40, h 9, w 3' },
  { x: [2, 10, 10, 16], filter: [4, 4, 16, 6], pad: 'same', why: 'back c 16, even kernel' },
];

interface ConvVariant { bias: boolean; relu: boolean }
const CONV_VARIANTS: ConvVariant[] = [
  { bias: false, relu: false },
  { bias: true, relu: false },
  { bias: false, relu: true },
  { bias: true, relu: true },
];

function convInfo(c: ConvCase): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, 1, c.pad, undefined, false, 'channelsLast');
}

function convDims(c: ConvCase): Int32Array {
  const info = convInfo(c);
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  if (c.pad === 'same' && (top !== Math.floor((c.filter[0] - 1) / 2) || left !== Math.floor((c.filter[1] - 1) / 2))) {
    throw new Error(`unexpected 'same' padding ${top}, ${left} for ${JSON.stringify(c)}`);
  }
  return Int32Array.from([...c.x, c.filter[0], c.filter[1], c.filter[3], info.outHeight, info.outWidth, top, left]);
}

interface ConvData { x: Float32Array; filter: Float32Array; bias: Float32Array; dy: Float32Array; outShape: Shape4 }

function convData(c: ConvCase): ConvData {
  const info = convInfo(c);
  const outShape: Shape4 = [c.x[0], info.outHeight, info.outWidth, c.filter[3]];
  const key = JSON.stringify(c);
  return {
    x: random(size(c.x), `x${key}`),
    filter: random(size(c.filter), `w${key}`),
    bias: random(c.filter[3], `b${key}`),
    dy: random(size(outShape), `dy${key}`),
    outShape,
  };
}

async function onCpu<T>(f: () => T): Promise<T> {
  await selectBackend('cpu');
  return f();
}

function cpuConv(c: ConvCase, d: ConvData, v: ConvVariant): Float32Array {
  return tf.tidy(() => tf.fused.conv2d({
    x: tf.tensor4d(d.x, c.x),
    filter: tf.tensor4d(d.filter, c.filter),
    strides: 1,
    pad: c.pad,
    bias: v.bias ? tf.tensor1d(d.bias) : undefined,
    activation: v.relu ? 'relu' : 'linear',
  }).dataSync() as Float32Array);
}

function cpuConvBackpropInput(c: ConvCase, d: ConvData): Float32Array {
  return tf.tidy(() => tf.conv2dTranspose(tf.tensor4d(d.dy, d.outShape), tf.tensor4d(d.filter, c.filter), c.x, 1, c.pad).dataSync() as Float32Array);
}

function nativeConv(c: ConvCase, d: ConvData, v: ConvVariant): Float32Array {
  const out = new Float32Array(size(d.outShape)).fill(NaN);
  addon().conv2d(convDims(c), d.x, d.filter, v.bias ? d.bias : null, v.relu, out);
  return out;
}

function nativeConvBackpropInput(c: ConvCase, d: ConvData): Float32Array {
  const dx = new Float32Array(size(c.x)).fill(NaN);
  addon().conv2dBackpropInput(convDims(c), d.dy, d.filter, dx);
  return dx;
}

interface PoolCase { x: Shape4; filter: number; strides: number; pad: 'same' | 'valid' }

const POOL_CASES: PoolCase[] = [
  { x: [3, 28, 28, 6], filter: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 9, 3], filter: 2, strides: 2, pad: 'valid' },
  { x: [2, 8, 8, 3], filter: 2, strides: 2, pad: 'same' },
  { x: [2, 7, 7, 3], filter: 2, strides: 2, pad: 'same' },
  { x: [2, 9, 8, 4], filter: 3, strides: 2, pad: 'same' },
  { x: [2, 10, 10, 2], filter: 3, strides: 2, pad: 'same' },
  { x: [1, 10, 11, 2], filter: 3, strides: 1, pad: 'valid' },
  { x: [2, 6, 7, 5], filter: 3, strides: 1, pad: 'same' },
  // channels in multiples of 8 take the vector path for full 2×2 windows (partial ones at the edge do not)
  { x: [2, 14, 14, 16], filter: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 9, 8], filter: 2, strides: 2, pad: 'same' },
];
const POOL_VALUES: Values[] = ['normal', 'ties', 'negative', 'special'];

function poolDims(c: PoolCase): { dims: Int32Array; outShape: Shape4 } {
  const info = tf.backend_util.computePool2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  return {
    dims: Int32Array.from([
      ...c.x, info.effectiveFilterHeight, info.effectiveFilterWidth, info.strideHeight, info.strideWidth,
      info.outHeight, info.outWidth, info.padInfo.top, info.padInfo.left,
    ]),
    outShape: info.outShape as Shape4,
  };
}

interface PoolData { x: Float32Array; dy: Float32Array }

function poolData(c: PoolCase, values: Values): PoolData {
  const key = JSON.stringify(c);
  const dy = random(size(poolDims(c).outShape), `dy${key}`);
  // a few −0 gradients: the sums start from +0, as the cpu backend's do
  for (let i = 0; i < dy.length; i += 7) dy[i] = -0;
  return { x: random(size(c.x), `x${key}${values}`, values), dy };
}

function cpuMaxPool(c: PoolCase, d: PoolData): Float32Array {
  return tf.tidy(() => tf.maxPool(tf.tensor4d(d.x, c.x), c.filter, c.strides, c.pad).dataSync() as Float32Array);
}

function cpuMaxPoolGrad(c: PoolCase, d: PoolData): Float32Array {
  return tf.tidy(() => {
    const grad = tf.grad((input: tf.Tensor) => {
      const y = tf.maxPool(input as tf.Tensor4D, c.filter, c.strides, c.pad);
      return y.mul(tf.tensor(d.dy, y.shape)).sum();
    })(tf.tensor4d(d.x, c.x));
    return grad.dataSync() as Float32Array;
  });
}

function nativeMaxPool(c: PoolCase, d: PoolData): Float32Array {
  const { dims, outShape } = poolDims(c);
  const y = new Float32Array(size(outShape)).fill(12345);
  addon().maxPool(dims, d.x, y);
  return y;
}

function nativeMaxPoolGrad(c: PoolCase, d: PoolData): Float32Array {
  const dx = new Float32Array(size(c.x)).fill(12345);
  addon().maxPoolGrad(poolDims(c).dims, d.x, d.dy, dx);
  return dx;
}

interface MatMulCase { batch: number; m: number; k: number; n: number; broadcast?: 'a' | 'b'; bias: boolean; relu: boolean }

// 6 rows at a time (the last 6 redone when m > 6), else pairs and singles; 16-column panels
const MATMUL_CASES: MatMulCase[] = [
  { batch: 1, m: 1, k: 5, n: 3, bias: false, relu: false },
  { batch: 1, m: 5, k: 7, n: 9, bias: true, relu: false },
  { batch: 1, m: 6, k: 8, n: 16, bias: false, relu: true },
  { batch: 1, m: 13, k: 20, n: 37, bias: true, relu: true },
  { batch: 1, m: 4, k: 1, n: 33, bias: true, relu: false },
  { batch: 1, m: 40, k: 100, n: 70, bias: true, relu: true },
  { batch: 3, m: 7, k: 6, n: 20, bias: true, relu: true },
  { batch: 3, m: 2, k: 9, n: 5, bias: false, relu: false },
  { batch: 3, m: 2, k: 9, n: 5, broadcast: 'a', bias: false, relu: false },
  { batch: 3, m: 8, k: 4, n: 18, broadcast: 'b', bias: true, relu: true },
  { batch: 3, m: 5, k: 3, n: 7, broadcast: 'b', bias: false, relu: false },
  { batch: 3, m: 9, k: 11, n: 17, broadcast: 'a', bias: true, relu: false },
];
const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

interface MatMulData { a: Float32Array; b: Float32Array; bias: Float32Array; aShape: number[]; bShape: number[] }

function matMulData(c: MatMulCase, transposeA: boolean, transposeB: boolean): MatMulData {
  const aShape = [...(c.broadcast === 'a' ? [] : [c.batch]), ...(transposeA ? [c.k, c.m] : [c.m, c.k])];
  const bShape = [...(c.broadcast === 'b' ? [] : [c.batch]), ...(transposeB ? [c.n, c.k] : [c.k, c.n])];
  const key = `${JSON.stringify(c)}${transposeA}${transposeB}`;
  return { a: random(size(aShape), `a${key}`), b: random(size(bShape), `b${key}`), bias: random(c.n, `bias${key}`), aShape, bShape };
}

function cpuMatMul(c: MatMulCase, d: MatMulData, transposeA: boolean, transposeB: boolean): Float32Array {
  return tf.tidy(() => {
    let out = tf.matMul(tf.tensor(d.a, d.aShape), tf.tensor(d.b, d.bShape), transposeA, transposeB);
    if (c.bias) out = out.add(tf.tensor1d(d.bias));
    if (c.relu) out = tf.relu(out);
    return out.dataSync() as Float32Array;
  });
}

function nativeMatMul(c: MatMulCase, d: MatMulData, transposeA: boolean, transposeB: boolean, threads = 1): Float32Array {
  const dims = Int32Array.from([c.batch, c.m, c.k, c.n, transposeA ? 1 : 0, transposeB ? 1 : 0, c.broadcast === 'a' ? 1 : 0, c.broadcast === 'b' ? 1 : 0, threads]);
  const out = new Float32Array(c.batch * c.m * c.n).fill(NaN);
  addon().matMul(dims, d.a, d.b, c.bias ? d.bias : null, c.relu, out);
  return out;
}

/** The ReLU mask as the dense stack's JavaScript once computed it. */
function jsReluMask(activation: Float32Array, values: Float32Array): Float32Array {
  return values.map((v, i) => (activation[i] > 0 ? v : 0));
}

function nativeReluMask(activation: Float32Array, values: Float32Array): Float32Array {
  const out = values.slice();
  addon().reluMask(activation, out);
  return out;
}

interface SoftmaxCase { rows: number; classes: number; spread: number; why: string }

const SOFTMAX_CASES: SoftmaxCase[] = [
  { rows: 37, classes: 10, spread: 3, why: 'the zoo\'s 10 classes' },
  { rows: 5, classes: 100, spread: 3, why: 'more classes than the kernel keeps exps for (64)' },
  { rows: 9, classes: 10, spread: 80, why: 'logits of ±80·N(0,1): exp overflows without the max shift' },
  { rows: 4, classes: 1, spread: 1, why: 'one class: zero loss and gradient' },
  { rows: 0, classes: 10, spread: 1, why: 'no rows' },
];

function softmaxData(c: SoftmaxCase): { logits: Float32Array; labels: Int32Array } {
  const logits = random(c.rows * c.classes, `softmax ${c.why}`).map((v) => v * c.spread);
  return { logits, labels: Int32Array.from({ length: c.rows }, (_, r) => (r * 7) % c.classes) };
}

/** loss logSumExp − logit[label] and its gradient softmax − onehot, on the cpu backend */
function cpuSoftmaxCrossEntropy(c: SoftmaxCase, d: { logits: Float32Array; labels: Int32Array }): { loss: Float32Array; upstream: Float32Array } {
  if (c.rows === 0) return { loss: new Float32Array(0), upstream: new Float32Array(0) };
  return tf.tidy(() => {
    const logits = tf.tensor2d(d.logits, [c.rows, c.classes]);
    // built by hand: tf.oneHot refuses one class
    const onehot = tf.tensor2d(Float32Array.from({ length: c.rows * c.classes }, (_, i) => (i % c.classes === d.labels[Math.floor(i / c.classes)] ? 1 : 0)), [c.rows, c.classes]);
    const loss = tf.logSumExp(logits, 1).sub(logits.mul(onehot).sum(1));
    const upstream = tf.softmax(logits).sub(onehot);
    return { loss: loss.dataSync() as Float32Array, upstream: upstream.dataSync() as Float32Array };
  });
}

function nativeSoftmaxCrossEntropy(c: SoftmaxCase, d: { logits: Float32Array; labels: Int32Array }): { loss: Float32Array; upstream: Float32Array } {
  const loss = new Float32Array(c.rows).fill(NaN);
  const upstream = new Float32Array(c.rows * c.classes).fill(NaN);
  addon().softmaxCrossEntropy(Int32Array.of(c.rows, c.classes), d.logits, d.labels, loss, upstream);
  return { loss, upstream };
}

const MASK_LENGTHS = [1, 7, 8, 9, 61_443];

// ---------------------------------------------------------------------------------------------

describe('native kernel addon', () => {
  it(required ? 'is available (GAUNTLET_REQUIRE_NATIVE=1)' : 'is available or says why not', () => {
    const status = nativeKernelsStatus();
    if (required) {
      expect({ available: kernels !== undefined, status }).toEqual({ available: true, status: expect.stringMatching(/^native (avx2|generic)$/) });
    } else {
      expect(status).toMatch(kernels === undefined ? /^(off|not built|failed to load|stale build)/ : /^native (avx2|generic)$/);
    }
  });

  it('hashes its sources as native/build.mjs does', () => {
    const printed = spawnSync(process.execPath, [join(NATIVE_DIR, 'build.mjs'), '--sources-hash'], { encoding: 'utf8' });
    expect(printed.status).toBe(0);
    expect(printed.stdout.trim()).toBe(nativeSourcesHash(NATIVE_DIR));
    expect(printed.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('calls a build stale when its sources are not recorded or have changed since', () => {
    const copy = mkdtempSync(join(tmpdir(), 'gauntlet-native-'));
    try {
      cpSync(join(NATIVE_DIR, 'src'), join(copy, 'src'), { recursive: true });
      cpSync(join(NATIVE_DIR, 'binding.gyp'), join(copy, 'binding.gyp'));
      mkdirSync(join(copy, 'build', 'Release'), { recursive: true });
      expect(nativeBuildStaleness(copy)).toMatch(/^stale build, its sources are not recorded/);
      writeFileSync(join(copy, 'build', 'Release', 'sources.sha256'), `${nativeSourcesHash(copy)}\n`);
      expect(nativeBuildStaleness(copy)).toBeUndefined();
      appendFileSync(join(copy, 'src', 'kernels.cc'), '\n// changed\n');
      expect(nativeBuildStaleness(copy)).toMatch(/^stale build, native\/ changed since it was built \(run npm run build:native\)$/);
      writeFileSync(join(copy, 'src', 'extra.cc'), '');
      writeFileSync(join(copy, 'build', 'Release', 'sources.sha256'), `${nativeSourcesHash(copy)}\n`);
      expect(nativeBuildStaleness(copy)).toBeUndefined();
      // a new file counts too
      writeFileSync(join(copy, 'src', 'more.cc'), '');
      expect(nativeBuildStaleness(copy)).toMatch(/^stale build, native\/ changed/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describeNative('native kernels vs the cpu backend', () => {
  // references once per case, on the cpu backend
  const convReference = new Map<string, Float32Array>();

  // without the addon both blocks still appear, as skipped
  for (const isa of kernels === undefined ? (['avx2', 'generic'] as const) : ISAS) {
    describe(`${isa}`, () => {
      beforeAll(async () => {
        addon().useIsa(isa);
        await selectBackend('cpu');
      });
      afterAll(restoreIsa);

      it.each(CONV_CASES.flatMap((c) => CONV_VARIANTS.map((v) => ({ ...c, ...v }))))(
        'conv2d: $why, x $x filter $filter $pad, bias $bias relu $relu',
        async ({ bias, relu, ...c }) => {
          const v = { bias, relu };
          const d = convData(c);
          const key = `${JSON.stringify(c)}${bias}${relu}`;
          const expected = convReference.get(key) ?? (await onCpu(() => cpuConv(c, d, v)));
          convReference.set(key, expected);
          expect(addon().isa()).toBe(isa);
          expectClose(nativeConv(c, d, v), expected, `conv2d ${isa}`);
        },
      );

      it.each(BACKPROP_CASES)('conv2dBackpropInput: $why, x $x filter $filter $pad', async (c) => {
        const d = convData(c);
        const expected = await onCpu(() => cpuConvBackpropInput(c, d));
        expectClose(nativeConvBackpropInput(c, d), expected, `conv2dBackpropInput ${isa}`);
      });

      it.each(POOL_CASES.flatMap((c) => POOL_VALUES.map((values) => ({ ...c, values }))))(
        'maxPool bit for bit: x $x filter $filter strides $strides $pad, $values values',
        async ({ values, ...c }) => {
          const d = poolData(c, values);
          const expected = await onCpu(() => cpuMaxPool(c, d));
          expectBitExact(nativeMaxPool(c, d), expected, `maxPool ${isa}`);
        },
      );

      it.each(POOL_CASES.flatMap((c) => POOL_VALUES.map((values) => ({ ...c, values }))))(
        'maxPoolGrad bit for bit: x $x filter $filter strides $strides $pad, $values values',
        async ({ values, ...c }) => {
          const d = poolData(c, values);
          const expected = await onCpu(() => cpuMaxPoolGrad(c, d));
          expectBitExact(nativeMaxPoolGrad(c, d), expected, `maxPoolGrad ${isa}`);
        },
      );

      it('maxPool and maxPoolGrad: windows of NaN and −∞ only, −0 against 0, and ties', async () => {
        const c: PoolCase = { x: [1, 4, 4, 1], filter: 2, strides: 2, pad: 'valid' };
        const d: PoolData = {
          x: Float32Array.from([
            NaN, NaN, -Infinity, -Infinity,
            NaN, NaN, -Infinity, NaN,
            -0, NaN, 1, 1,
            0, -1, 1, 1,
          ]),
          dy: Float32Array.from([1, 2, 3, 4]),
        };
        const y = nativeMaxPool(c, d);
        expect(Array.from(y)).toEqual([-Infinity, -Infinity, -0, 1]);
        expectBitExact(y, await onCpu(() => cpuMaxPool(c, d)), `maxPool ${isa}`);
        const dx = nativeMaxPoolGrad(c, d);
        expect(Array.from(dx)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0]);
        expectBitExact(dx, await onCpu(() => cpuMaxPoolGrad(c, d)), `maxPoolGrad ${isa}`);
      });

      it.each(MATMUL_CASES.flatMap((c) => TRANSPOSES.map(([transposeA, transposeB]) => ({ ...c, transposeA, transposeB }))))(
        'matMul: batch $batch m $m k $k n $n broadcast $broadcast, transposeA $transposeA transposeB $transposeB, bias $bias relu $relu',
        async ({ transposeA, transposeB, ...c }) => {
          const d = matMulData(c, transposeA, transposeB);
          const expected = await onCpu(() => cpuMatMul(c, d, transposeA, transposeB));
          expectClose(nativeMatMul(c, d, transposeA, transposeB), expected, `matMul ${isa}`);
        },
      );

      it.each(MASK_LENGTHS)('reluMask bit for bit over %i values: NaN, ±∞ and ±0 activations pass nothing but +∞', (length) => {
        const activation = random(length, `mask activation ${length}`, 'special');
        const values = random(length, `mask values ${length}`, 'special');
        const masked = nativeReluMask(activation, values);
        expectBitExact(masked, jsReluMask(activation, values), `reluMask ${isa}`);
        // the property itself, apart from the reference: only positive activations let values through
        const passed = Array.from(activation).filter((a) => a > 0).length;
        expect(masked.filter((v, i) => Object.is(v, values[i]) && activation[i] > 0).length).toBe(passed);
      });

      it.each(SOFTMAX_CASES)('softmaxCrossEntropy: $why (rows $rows, classes $classes)', async (c) => {
        const d = softmaxData(c);
        const expected = await onCpu(() => cpuSoftmaxCrossEntropy(c, d));
        const actual = nativeSoftmaxCrossEntropy(c, d);
        expectClose(actual.loss, expected.loss, `softmaxCrossEntropy loss ${isa}`);
        expectClose(actual.upstream, expected.upstream, `softmaxCrossEntropy gradient ${isa}`);
        // each row of softmax − onehot sums to 0, and the loss is never negative
        for (let r = 0; r < c.rows; r++) {
          const row = actual.upstream.subarray(r * c.classes, (r + 1) * c.classes);
          expect(Math.abs(row.reduce((a, b) => a + b, 0))).toBeLessThan(1e-5);
          expect(actual.loss[r]).toBeGreaterThanOrEqual(0);
        }
      });
    });
  }
});

// products of at least 2M multiply-adds run their rows in blocks of 48, spread over the threads asked for
const THREADED_CASES: MatMulCase[] = [
  { batch: 1, m: 1024, k: 784, n: 60, bias: true, relu: true },
  { batch: 1, m: 1023, k: 60, n: 784, bias: false, relu: false },
  { batch: 2, m: 301, k: 256, n: 70, broadcast: 'b', bias: true, relu: false },
  // the last block holds 2 rows, fewer than one 6-row tile
  { batch: 1, m: 242, k: 200, n: 50, bias: true, relu: false },
];

describeNative('native kernels: matMul on several threads', () => {
  it.each(THREADED_CASES)('gives the one-thread result bit for bit, and the cpu backend\'s: batch $batch m $m k $k n $n', async (c) => {
    for (const [transposeA, transposeB] of [[false, false], [true, true]] as [boolean, boolean][]) {
      const d = matMulData(c, transposeA, transposeB);
      const one = nativeMatMul(c, d, transposeA, transposeB, 1);
      expectBitExact(nativeMatMul(c, d, transposeA, transposeB, 2), one, 'matMul 2 threads vs 1');
      expectBitExact(nativeMatMul(c, d, transposeA, transposeB, 3), one, 'matMul 3 threads vs 1');
      expectBitExact(nativeMatMul(c, d, transposeA, transposeB, 64), one, 'matMul 64 threads vs 1');
      expectClose(one, await onCpu(() => cpuMatMul(c, d, transposeA, transposeB)), `matMul ${addon().isa()}`);
    }
  });
});

describeBothIsas('native kernels: avx2 and generic agree', () => {
  function both(run: () => Float32Array): { avx2: Float32Array; generic: Float32Array } {
    try {
      addon().useIsa('avx2');
      const avx2 = run();
      addon().useIsa('generic');
      return { avx2, generic: run() };
    } finally {
      restoreIsa();
    }
  }

  it.each(CONV_CASES)('conv2d and conv2dBackpropInput: $why', (c) => {
    const d = convData(c);
    const v = { bias: true, relu: false };
    const forward = both(() => nativeConv(c, d, v));
    expectClose(forward.avx2, forward.generic, 'conv2d avx2 vs generic');
    const backward = both(() => nativeConvBackpropInput(c, d));
    expectClose(backward.avx2, backward.generic, 'conv2dBackpropInput avx2 vs generic');
  });

  it.each(POOL_CASES)('maxPool and maxPoolGrad bit for bit: x $x filter $filter strides $strides $pad', (c) => {
    for (const values of POOL_VALUES) {
      const d = poolData(c, values);
      const pooled = both(() => nativeMaxPool(c, d));
      expectBitExact(pooled.avx2, pooled.generic, 'maxPool avx2 vs generic');
      const grads = both(() => nativeMaxPoolGrad(c, d));
      expectBitExact(grads.avx2, grads.generic, 'maxPoolGrad avx2 vs generic');
    }
  });

  it.each(MATMUL_CASES)('matMul: batch $batch m $m k $k n $n broadcast $broadcast', (c) => {
    for (const [transposeA, transposeB] of TRANSPOSES) {
      const d = matMulData(c, transposeA, transposeB);
      const out = both(() => nativeMatMul(c, d, transposeA, transposeB));
      expectClose(out.avx2, out.generic, 'matMul avx2 vs generic');
    }
  });

  it('reluMask and softmaxCrossEntropy', () => {
    const activation = random(1003, 'both mask activation', 'special');
    const values = random(1003, 'both mask values');
    const masked = both(() => nativeReluMask(activation, values));
    expectBitExact(masked.avx2, masked.generic, 'reluMask avx2 vs generic');
    for (const c of SOFTMAX_CASES) {
      const d = softmaxData(c);
      const loss = both(() => nativeSoftmaxCrossEntropy(c, d).loss);
      expectClose(loss.avx2, loss.generic, 'softmaxCrossEntropy avx2 vs generic');
      const upstream = both(() => nativeSoftmaxCrossEntropy(c, d).upstream);
      expectClose(upstream.avx2, upstream.generic, 'softmaxCrossEntropy avx2 vs generic');
    }
  });
});

describeNative('native kernels: argument checks', () => {
  const conv: ConvCase = { x: [1, 5, 5, 2], filter: [3, 3, 2, 6], pad: 'same', why: '' };
  const pool: PoolCase = { x: [1, 4, 4, 2], filter: 2, strides: 2, pad: 'valid' };
  const mm: MatMulCase = { batch: 2, m: 3, k: 4, n: 5, bias: true, relu: false };
  const f32 = (n: number): Float32Array => new Float32Array(n);

  it('rejects a Float32Array of the wrong length, naming it', () => {
    const k = addon();
    const dims = convDims(conv);
    expect(() => k.conv2d(dims, f32(49), f32(108), null, false, f32(150))).toThrow(/^gauntlet native: x holds 49 elements, expected 50$/);
    expect(() => k.conv2d(dims, f32(50), f32(107), null, false, f32(150))).toThrow(/^gauntlet native: filter holds 107 elements, expected 108$/);
    expect(() => k.conv2d(dims, f32(50), f32(108), f32(5), false, f32(150))).toThrow(/^gauntlet native: bias holds 5 elements, expected 6$/);
    expect(() => k.conv2d(dims, f32(50), f32(108), null, false, f32(151))).toThrow(/^gauntlet native: out holds 151 elements, expected 150$/);
    expect(() => k.conv2dBackpropInput(dims, f32(149), f32(108), f32(50))).toThrow(/^gauntlet native: dy holds 149 elements, expected 150$/);
    expect(() => k.conv2dBackpropInput(dims, f32(150), f32(108), f32(51))).toThrow(/^gauntlet native: dx holds 51 elements, expected 50$/);
    const { dims: pd } = poolDims(pool);
    expect(() => k.maxPool(pd, f32(31), f32(8))).toThrow(/^gauntlet native: x holds 31 elements, expected 32$/);
    expect(() => k.maxPool(pd, f32(32), f32(9))).toThrow(/^gauntlet native: y holds 9 elements, expected 8$/);
    expect(() => k.maxPoolGrad(pd, f32(32), f32(7), f32(32))).toThrow(/^gauntlet native: dy holds 7 elements, expected 8$/);
    expect(() => k.maxPoolGrad(pd, f32(32), f32(8), f32(33))).toThrow(/^gauntlet native: dx holds 33 elements, expected 32$/);
    const md = Int32Array.from([2, 3, 4, 5, 0, 0, 0, 0, 1]);
    expect(() => k.matMul(md, f32(23), f32(40), null, false, f32(30))).toThrow(/^gauntlet native: a holds 23 elements, expected 24$/);
    expect(() => k.matMul(md, f32(24), f32(20), null, false, f32(30))).toThrow(/^gauntlet native: b holds 20 elements, expected 40$/);
    expect(() => k.matMul(md, f32(24), f32(40), f32(4), false, f32(30))).toThrow(/^gauntlet native: bias holds 4 elements, expected 5$/);
    expect(() => k.matMul(md, f32(24), f32(40), null, false, f32(31))).toThrow(/^gauntlet native: c holds 31 elements, expected 30$/);
    // one matrix b for both batch entries
    const broadcastB = Int32Array.from([2, 3, 4, 5, 0, 0, 0, 1, 1]);
    expect(() => k.matMul(broadcastB, f32(24), f32(40), null, false, f32(30))).toThrow(/^gauntlet native: b holds 40 elements, expected 20$/);
    expect(() => k.reluMask(f32(9), f32(10))).toThrow(/^gauntlet native: activation holds 9 elements, expected 10$/);
    const sd = Int32Array.of(3, 4);
    const labels = Int32Array.of(0, 1, 2);
    expect(() => k.softmaxCrossEntropy(sd, f32(11), labels, f32(3), f32(12))).toThrow(/^gauntlet native: logits holds 11 elements, expected 12$/);
    expect(() => k.softmaxCrossEntropy(sd, f32(12), Int32Array.of(0, 1), f32(3), f32(12))).toThrow(/^gauntlet native: labels holds 2 elements, expected 3$/);
    expect(() => k.softmaxCrossEntropy(sd, f32(12), labels, f32(2), f32(12))).toThrow(/^gauntlet native: loss holds 2 elements, expected 3$/);
    expect(() => k.softmaxCrossEntropy(sd, f32(12), labels, f32(3), f32(13))).toThrow(/^gauntlet native: upstream holds 13 elements, expected 12$/);
  });

  it('rejects a label outside the classes, naming the row', () => {
    const k = addon();
    const loss = f32(3).fill(7);
    expect(() => k.softmaxCrossEntropy(Int32Array.of(3, 4), f32(12), Int32Array.of(0, 4, 1), loss, f32(12))).toThrow(/^gauntlet native: label 4 of row 1 is outside 0\.\.3$/);
    expect(() => k.softmaxCrossEntropy(Int32Array.of(3, 4), f32(12), Int32Array.of(0, 1, -1), loss, f32(12))).toThrow(/label -1 of row 2/);
    // checked before anything is written
    expect(Array.from(loss)).toEqual([7, 7, 7]);
  });

  it('rejects dims of the wrong length or type, and bad arguments', () => {
    const k = addon();
    const dims = convDims(conv);
    expect(() => k.conv2d(dims.subarray(0, 10), f32(50), f32(108), null, false, f32(150))).toThrow(/^gauntlet native: conv dims holds 10 elements, expected 11$/);
    expect(() => k.conv2dBackpropInput(Int32Array.from([...dims, 0]), f32(150), f32(108), f32(50))).toThrow(/^gauntlet native: conv dims holds 12 elements, expected 11$/);
    expect(() => k.maxPool(new Int32Array(11), f32(32), f32(8))).toThrow(/^gauntlet native: pool dims holds 11 elements, expected 12$/);
    expect(() => k.maxPoolGrad(new Int32Array(13), f32(32), f32(8), f32(32))).toThrow(/^gauntlet native: pool dims holds 13 elements, expected 12$/);
    expect(() => k.matMul(new Int32Array(7), f32(24), f32(40), null, false, f32(30))).toThrow(/^gauntlet native: matMul dims holds 7 elements, expected 9$/);
    expect(() => k.conv2d(Float32Array.from(dims) as unknown as Int32Array, f32(50), f32(108), null, false, f32(150))).toThrow(/conv dims has the wrong element type/);
    expect(() => k.conv2d(dims, new Float64Array(50) as unknown as Float32Array, f32(108), null, false, f32(150))).toThrow(/x has the wrong element type/);
    expect(() => k.conv2d(dims, [0] as unknown as Float32Array, f32(108), null, false, f32(150))).toThrow(/x must be a typed array/);
    expect(() => k.conv2d(dims, f32(50), f32(108), null, 1 as unknown as boolean, f32(150))).toThrow(/relu must be a boolean/);
    expect(() => (k.maxPool as unknown as (dims: Int32Array, x: Float32Array) => void)(poolDims(pool).dims, f32(32))).toThrow(/expected 3 arguments/);
    expect(() => k.conv2d(Int32Array.from([1, 5, 5, 2, 3, 3, 6, 5, 5, 3, 1]), f32(50), f32(108), null, false, f32(150))).toThrow(/unsupported convolution shape/);
    expect(() => k.matMul(Int32Array.from([0, 3, 4, 5, 0, 0, 0, 0, 1]), f32(0), f32(0), null, false, f32(0))).toThrow(/unsupported matMul shape/);
    expect(() => k.matMul(Int32Array.from([1, 3, 4, 5, 0, 0, 0, 0, 0]), f32(12), f32(20), null, false, f32(15))).toThrow(/unsupported matMul shape/);
    expect(() => k.useIsa('sse9' as 'generic')).toThrow(/instruction set 'sse9' is not available here/);
  });

  it('still computes correctly after the errors', async () => {
    const d = convData(conv);
    const v = { bias: true, relu: true };
    expectClose(nativeConv(conv, d, v), await onCpu(() => cpuConv(conv, d, v)), `conv2d ${addon().isa()}`);
  });
});

// ---------------------------------------------------------------------------------------------
// through tfjs on wasm: the MaxPool and _FusedMatMul wrappers, with the native kernels and without

const PATHS = kernels === undefined ? ['wasm kernels'] : ['native', 'wasm kernels'];

interface FusedCase { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean; bias: boolean; activation: 'linear' | 'relu' | 'elu' | 'relu6' | 'sigmoid' | 'leakyrelu' }

const FUSED_CASES: FusedCase[] = [
  { a: [5, 7], b: [7, 3], transposeA: false, transposeB: false, bias: true, activation: 'relu' },
  { a: [7, 5], b: [7, 3], transposeA: true, transposeB: false, bias: true, activation: 'relu' },
  { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true, bias: false, activation: 'linear' },
  { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true, bias: true, activation: 'linear' },
  { a: [13, 20], b: [20, 37], transposeA: false, transposeB: false, bias: false, activation: 'relu' },
  { a: [32, 100], b: [10, 100], transposeA: false, transposeB: true, bias: true, activation: 'relu' },
  { a: [3, 7, 6], b: [3, 6, 20], transposeA: false, transposeB: false, bias: true, activation: 'relu' },
  { a: [3, 6, 7], b: [20, 6], transposeA: true, transposeB: true, bias: true, activation: 'linear' },
  { a: [2, 9], b: [3, 9, 5], transposeA: false, transposeB: false, bias: false, activation: 'linear' },
  // activations the native kernels leave to tfjs: fused kernel, or unfused where tfjs-wasm's bias is wrong
  { a: [6, 9], b: [9, 4], transposeA: false, transposeB: false, bias: true, activation: 'elu' },
  { a: [6, 9], b: [4, 9], transposeA: false, transposeB: true, bias: true, activation: 'elu' },
  { a: [9, 6], b: [9, 4], transposeA: true, transposeB: false, bias: true, activation: 'relu6' },
  { a: [2, 6, 9], b: [2, 9, 4], transposeA: false, transposeB: false, bias: true, activation: 'sigmoid' },
  { a: [6, 9], b: [4, 9], transposeA: false, transposeB: true, bias: true, activation: 'leakyrelu' },
];

function fusedMatMul(c: FusedCase): Float32Array {
  const key = JSON.stringify(c);
  const n = c.transposeB ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
  return tf.tidy(() => tf.fused.matMul({
    a: tf.tensor(random(size(c.a), `a${key}`), c.a),
    b: tf.tensor(random(size(c.b), `b${key}`), c.b),
    transposeA: c.transposeA,
    transposeB: c.transposeB,
    bias: c.bias ? tf.tensor1d(random(n, `bias${key}`)) : undefined,
    activation: c.activation,
    leakyreluAlpha: 0.1,
  }).dataSync() as Float32Array);
}

describe.each(PATHS)('MaxPool and _FusedMatMul through tfjs on wasm (%s)', (path) => {
  beforeAll(() => useNativeKernels(path === 'native'));
  afterAll(() => useNativeKernels(true));

  // XNNPACK's max pooling (the path without the native kernels) does not promise the cpu backend's
  // treatment of NaN and of −0 against 0, so only the native path sees those values
  const values: Values[] = path === 'native' ? POOL_VALUES : ['normal', 'ties', 'negative'];

  it.each(POOL_CASES.flatMap((c) => values.map((v) => ({ ...c, values: v }))))(
    'tf.maxPool matches the cpu backend bit for bit: x $x filter $filter strides $strides $pad, $values values',
    async ({ values: kind, ...c }) => {
      const d = poolData(c, kind);
      const expected = await onCpu(() => cpuMaxPool(c, d));
      await selectBackend('wasm');
      expectBitExact(cpuMaxPool(c, d), expected, `tf.maxPool on wasm (${path})`);
    },
  );

  const fusedMatches = (key: string) => async (c: FusedCase): Promise<void> => {
    const expected = await onCpu(() => fusedMatMul(c));
    await selectBackend('wasm');
    expectClose(fusedMatMul(c), expected, key);
  };
  const title = 'tf.fused.matMul matches the cpu backend: a $a b $b transposeA $transposeA transposeB $transposeB bias $bias $activation';
  // Without the native kernels, transposed or batched products with a bias would reach
  // tfjs-backend-wasm's own _FusedMatMul (4.22), which adds the bias right in row 0 only (zeros
  // [4,2]·[3,2]ᵀ with bias [1,2,3] gave rows [1,2,3], [3,3,3], [3,3,3], [3,3,3]); fused-mat-mul-wasm.ts
  // runs those unfused, and these cases check it on both paths.
  it.each(FUSED_CASES)(title, fusedMatches(`tf.fused.matMul on wasm (${path})`));

  it('tf.matMul of an empty batch gives an empty result', async () => {
    await selectBackend('wasm');
    const shape = tf.tidy(() => tf.matMul(tf.zeros([0, 2, 3]), tf.zeros([0, 3, 4])).shape);
    expect(shape).toEqual([0, 2, 4]);
  });

  it('a 1×1 stride-1 tf.maxPool is the identity, NaN included, as on the cpu backend', async () => {
    const x = Float32Array.from([NaN, 1, -0, -Infinity]);
    const pool = (): Float32Array => tf.tidy(() => tf.maxPool(tf.tensor4d(x, [1, 2, 2, 1]), 1, 1, 'valid').dataSync() as Float32Array);
    const expected = await onCpu(pool);
    await selectBackend('wasm');
    expectBitExact(pool(), expected, `1×1 tf.maxPool on wasm (${path})`);
  });

  it('a fused ReLU turns −0 into 0 (and, natively, keeps NaN) as on the cpu backend', async () => {
    // XNNPACK's fused ReLU (the path without the native kernels) maps NaN to 0; only the native path
    // promises the cpu backend's NaN. NaN payloads differ between engines, so NaN is compared as NaN.
    const rows = path === 'native' ? [NaN, 1, 0, 0, -1, 0] : [2, 1, 0, 0, -1, 0];
    const run = (): Float32Array => tf.tidy(() => tf.fused.matMul({
      a: tf.tensor2d(rows, [3, 2]),
      b: tf.tensor2d([1, 0], [2, 1]),
      bias: tf.tensor1d([-0]),
      activation: 'relu',
    }).dataSync() as Float32Array);
    const expected = await onCpu(run);
    await selectBackend('wasm');
    const actual = run();
    const same = (a: number, e: number): boolean => (Number.isNaN(e) ? Number.isNaN(a) : Object.is(a, e));
    expect(Array.from(actual).map((a, i) => same(a, expected[i]))).toEqual([true, true, true]);
    expect(Object.is(actual[1], 0)).toBe(true);
  });

  it('tf.maxPool allocates only its output', async () => {
    await selectBackend('wasm');
    const c = POOL_CASES[4];
    const x = tf.tensor4d(random(size(c.x), 'leak-x'), c.x);
    const tensorsBefore = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    const y = tf.maxPool(x, c.filter, c.strides, c.pad);
    expect(y.shape).toEqual(poolDims(c).outShape);
    expect(tf.memory().numTensors).toBe(tensorsBefore + 1);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    tf.dispose([y, x]);
    expect(tf.memory().numTensors).toBe(tensorsBefore - 1);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore - 1);
  });

  it.each(FUSED_CASES.filter((c) => c.bias))('tf.fused.matMul allocates only its output: a $a b $b transposeA $transposeA transposeB $transposeB', async (c) => {
    await selectBackend('wasm');
    const a = tf.tensor(random(size(c.a), 'leak-a'), c.a);
    const b = tf.tensor(random(size(c.b), 'leak-b'), c.b);
    const n = c.transposeB ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
    const bias = tf.tensor1d(random(n, 'leak-bias'));
    const tensorsBefore = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    const y = tf.fused.matMul({ a, b, transposeA: c.transposeA, transposeB: c.transposeB, bias, activation: c.activation });
    expect(tf.memory().numTensors).toBe(tensorsBefore + 1);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 1);
    tf.dispose([y, a, b, bias]);
    expect(tf.memory().numTensors).toBe(tensorsBefore - 3);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore - 3);
  });
});
