// gauntlet's optional native kernels (native/, built by `npm ci` when a C++ compiler and Node's
// headers are present): float32 convolutions and their input gradient, max pooling and its gradient,
// and matrix products, run with AVX2+FMA where the CPU has them, in place on the tfjs wasm heap.
// When the addon is missing, fails to load, or GAUNTLET_NATIVE=0 is set, gauntlet uses its wasm
// kernels alone.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** [n, h, w, c, kh, kw, co, oh, ow, top, left]: a stride-1 undilated NHWC convolution. */
export type ConvDims = Int32Array;
/** [n, h, w, c, fh, fw, sh, sw, oh, ow, top, left]: max-pool windows. */
export type PoolDims = Int32Array;
/** [batch, m, k, n, transposeA, transposeB, broadcastA, broadcastB, threads] (flags 0 or 1). */
export type MatMulDims = Int32Array;

export interface NativeKernels {
  /** out = relu?(conv(x, filter) + bias?) */
  conv2d(dims: ConvDims, x: Float32Array, filter: Float32Array, bias: Float32Array | null, relu: boolean, out: Float32Array): void;
  /** dx of the convolution `dims` from dy */
  conv2dBackpropInput(dims: ConvDims, dy: Float32Array, filter: Float32Array, dx: Float32Array): void;
  /** dx: each window's gradient goes to its first strictly greatest input (the cpu backend's rule) */
  maxPoolGrad(dims: PoolDims, x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  /** y: each window's greatest value (NaN ignored, −∞ for an empty window: the cpu backend's rule) */
  maxPool(dims: PoolDims, x: Float32Array, y: Float32Array): void;
  /** c = relu?(op(a)·op(b) + bias?), per batch entry */
  matMul(dims: MatMulDims, a: Float32Array, b: Float32Array, bias: Float32Array | null, relu: boolean, c: Float32Array): void;
  /** values[i] = 0 where !(activation[i] > 0) (NaN too): a gradient back through a ReLU; same lengths */
  reluMask(activation: Float32Array, values: Float32Array): void;
  /**
   * Per row of `logits` [rows, classes], in float64: loss = logSumExp(row) − row[label] and
   * upstream = softmax(row) − onehot(label), the cross-entropy's gradient at the logits
   */
  softmaxCrossEntropy(dims: Int32Array, logits: Float32Array, labels: Int32Array, loss: Float32Array, upstream: Float32Array): void;
  /** the instruction set in use: 'avx2' or 'generic' */
  isa(): string;
  /** switches the instruction set for the whole process (tests compare the two) */
  useIsa(isa: 'avx2' | 'generic'): string;
}

const FUNCTIONS: readonly (keyof NativeKernels)[] = ['conv2d', 'conv2dBackpropInput', 'maxPoolGrad', 'maxPool', 'matMul', 'reluMask', 'softmaxCrossEntropy', 'isa', 'useIsa'];

const NATIVE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native');
const ADDON = join(NATIVE, 'build', 'Release', 'gauntlet_kernels.node');

/**
 * sha256 over `binding.gyp` and `src/*` of a native/ directory, names and contents: native/build.mjs
 * writes the same hash beside the addon it builds (`node native/build.mjs --sources-hash` prints it).
 */
export function nativeSourcesHash(nativeDir: string): string {
  const hash = createHash('sha256');
  const files = ['binding.gyp', ...readdirSync(join(nativeDir, 'src')).sort().map((name) => `src/${name}`)];
  for (const file of files) hash.update(file).update('\0').update(readFileSync(join(nativeDir, file))).update('\0');
  return hash.digest('hex');
}

/**
 * Why the addon under `nativeDir`/build cannot be trusted to be built from the sources beside it, or
 * undefined when it can: after a `git pull` without `npm ci`, an old addon may still load and have
 * every kernel, yet compute what older sources said.
 */
export function nativeBuildStaleness(nativeDir: string): string | undefined {
  let recorded: string;
  try {
    recorded = readFileSync(join(nativeDir, 'build', 'Release', 'sources.sha256'), 'utf8').trim();
  } catch {
    return 'stale build, its sources are not recorded (run npm run build:native)';
  }
  let current: string;
  try {
    current = nativeSourcesHash(nativeDir);
  } catch (error) {
    return `cannot read native/ sources: ${error instanceof Error ? error.message : String(error)}`;
  }
  return recorded === current ? undefined : 'stale build, native/ changed since it was built (run npm run build:native)';
}

let loaded: { kernels?: NativeKernels; status: string } | undefined;
let enabled = true;
let threads = 1;

function load(): { kernels?: NativeKernels; status: string } {
  if (process.env.GAUNTLET_NATIVE === '0') return { status: 'off (GAUNTLET_NATIVE=0)' };
  if (!existsSync(ADDON)) return { status: 'not built (npm ci builds it when a C++ compiler is present: npm run build:native)' };
  const stale = nativeBuildStaleness(NATIVE);
  if (stale !== undefined) return { status: stale };
  try {
    const kernels = createRequire(import.meta.url)(ADDON) as Partial<Record<keyof NativeKernels, unknown>>;
    // an addon built from older sources (pulled without `npm ci`) may lack kernels added since
    const missing = FUNCTIONS.filter((f) => typeof kernels[f] !== 'function');
    if (missing.length > 0) return { status: `stale build, lacks ${missing.join(', ')} (run npm run build:native)` };
    const complete = kernels as NativeKernels;
    return { kernels: complete, status: `native ${complete.isa()}` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: `failed to load: ${message.split('\n')[0]}` };
  }
}

/** The native kernels, or undefined when they are not available here (or switched off). */
export function nativeKernels(): NativeKernels | undefined {
  loaded ??= load();
  return enabled ? loaded.kernels : undefined;
}

/**
 * How many threads a large matrix product called from this thread may use (default 1). The runner
 * and the bench give the calling thread as many as the run has model workers: it computes only the
 * models too small for the pool (work-estimate.ts), while the workers wait. Rows are split whole, so
 * the numbers do not depend on it.
 */
export function setNativeThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`native threads: expected a positive integer, got ${count}`);
  // the addon takes at most 64
  threads = Math.min(count, 64);
}

export function nativeThreads(): number {
  return threads;
}

/** Switches the native kernels off and on again in this thread, so tests can run both paths. */
export function useNativeKernels(on: boolean): void {
  enabled = on;
}

/** One line for logs and run.json: 'native avx2', 'not built (…)', 'off (GAUNTLET_NATIVE=0)'. */
export function nativeKernelsStatus(): string {
  loaded ??= load();
  return loaded.status;
}
