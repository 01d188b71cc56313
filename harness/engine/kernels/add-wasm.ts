// tfjs-backend-wasm's Add hands broadcasting to XNNPACK, which runs its vector kernel once per
// innermost row of the smaller operand: adding a conv layer's bias ([N, H, W, 6] + [6], the unfused
// form tfjs uses whenever a gradient is recorded) ran in 6-element pieces, 18× slower than adding
// two tensors of the same shape. Repeating the small operand until its rows are long, and viewing
// the large one to match, gives XNNPACK long rows; every element is still the same single addition.
import * as tf from '@tensorflow/tfjs';
import { disposeIntermediates } from './dispose-intermediates.js';
import { allocateFloat32, float32View } from './wasm-heap.js';

/** Rows at least this long already run at full speed. */
const LONG_ROW = 256;

/** Wraps the wasm backend's registered kernel, which still does every addition. */
export function addWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { inputs, backend } = args;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return native.kernelFunc(args);
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const plan = longRows(shape, a.shape, b.shape);
    if (plan === undefined) return native.kernelFunc(args);
    const small = plan.smallIsA ? a : b;
    const large = plan.smallIsA ? b : a;
    const repeated = allocateFloat32(backend, [plan.rowLength]);
    try {
      const source = float32View(backend, small);
      const target = float32View(backend, repeated);
      for (let offset = 0; offset < plan.rowLength; offset += source.length) target.set(source, offset);
      const rows: tf.TensorInfo = { dataId: large.dataId, shape: [large.shape.reduce((p, d) => p * d, 1) / plan.rowLength, plan.rowLength], dtype: large.dtype };
      const sum = native.kernelFunc({
        ...args,
        inputs: plan.smallIsA ? { a: repeated, b: rows } : { a: rows, b: repeated },
      }) as tf.TensorInfo;
      return { dataId: sum.dataId, shape, dtype: sum.dtype };
    } finally {
      disposeIntermediates(backend, [repeated]);
    }
  };
  return { kernelName: 'Add', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}

/**
 * When one operand has the output's shape and the other is a short block of its trailing dimensions
 * (leading 1s allowed), the length of a row made of whole trailing dimensions that is long enough.
 */
function longRows(shape: number[], aShape: number[], bShape: number[]): { smallIsA: boolean; rowLength: number } | undefined {
  const same = (s: number[]): boolean => s.length === shape.length && s.every((d, i) => d === shape[i]);
  let smallIsA: boolean;
  if (same(aShape) && !same(bShape)) smallIsA = false;
  else if (same(bShape) && !same(aShape)) smallIsA = true;
  else return undefined;
  const smallShape = smallIsA ? aShape : bShape;
  const first = smallShape.findIndex((d) => d !== 1);
  const block = first < 0 ? [] : smallShape.slice(first);
  if (block.length > shape.length || block.some((d, i) => d !== shape[shape.length - block.length + i])) return undefined;
  let rowLength = block.reduce((p, d) => p * d, 1);
  // a scalar XNNPACK adds at full speed already; an empty tensor needs no addition at all
  if (block.length === 0 || rowLength >= LONG_ROW || shape.includes(0)) return undefined;
  for (let i = shape.length - block.length - 1; i >= 0 && rowLength < LONG_ROW; i--) rowLength *= shape[i];
  return { smallIsA, rowLength };
}
