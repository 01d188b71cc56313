// A tfjs matrix product (BatchMatMul, _FusedMatMul) on the native kernels, for the cases they take:
// float32, batch dimensions equal or one side a single matrix, bias of one value per column, and
// linear or ReLU activation. Anything else returns undefined and stays with the caller's fallback.
import * as tf from '@tensorflow/tfjs';
import { nativeKernels, nativeThreads } from './native-kernels.js';
import { allocateFloat32, float32View } from './wasm-heap.js';

export interface NativeMatMulCall {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  bias?: tf.TensorInfo;
  relu: boolean;
}

const product = (dims: readonly number[]): number => dims.reduce((x, y) => x * y, 1);

export function nativeMatMul(backend: unknown, call: NativeMatMulCall): tf.TensorInfo | undefined {
  const kernels = nativeKernels();
  const { a, b, transposeA, transposeB, bias, relu } = call;
  if (kernels === undefined || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb || m === 0 || n === 0 || k === 0) return undefined;
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = product(outerA);
  const batchB = product(outerB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const outer = tf.backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = Math.max(batchA, batchB);
  if (batch === 0 || product(outer) !== batch) return undefined;
  const out = allocateFloat32(backend, [...outer, m, n]);
  const dims = Int32Array.from([batch, m, k, n, transposeA ? 1 : 0, transposeB ? 1 : 0, batchA === 1 && batch > 1 ? 1 : 0, batchB === 1 && batch > 1 ? 1 : 0, nativeThreads()]);
  // views only after the last allocation (see wasm-heap.ts)
  kernels.matMul(dims, float32View(backend, a), float32View(backend, b), bias === undefined ? null : float32View(backend, bias), relu, float32View(backend, out));
  return out;
}
