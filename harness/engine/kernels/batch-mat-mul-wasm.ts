// tfjs-backend-wasm's BatchMatMul hands only untransposed operands to XNNPACK; with transposeA or
// transposeB it runs a plain loop, 14–50× slower on dense-layer gradients (measured on a
// 128×9216·128×128 product: 467 ms transposed vs 9 ms). Every dense layer's backward pass asks for
// those transposes, so this wrapper materialises them with Transpose and calls the fast path. With
// gauntlet's native kernels (native-kernels.ts) every case they take goes to them instead.
import * as tf from '@tensorflow/tfjs';
import { disposeIntermediates } from './dispose-intermediates.js';
import { nativeMatMul } from './native-mat-mul.js';

/** Wraps the wasm backend's registered kernel, which does the multiplication itself. */
export function batchMatMulWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const viaNative = nativeMatMul(backend, { a, b, transposeA, transposeB, relu: false });
    if (viaNative !== undefined) return viaNative;
    if (!transposeA && !transposeB) return native.kernelFunc(args);
    const transpose = tf.getKernel('Transpose', 'wasm');
    if (transpose === undefined) throw new Error('BatchMatMul (wasm): kernel Transpose is missing');
    const owned: tf.TensorInfo[] = [];
    const swapLastTwo = (t: tf.TensorInfo): tf.TensorInfo => {
      const rank = t.shape.length;
      const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
      const out = transpose.kernelFunc({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
      owned.push(out);
      return out;
    };
    try {
      return native.kernelFunc({
        inputs: { a: transposeA ? swapLastTwo(a) : a, b: transposeB ? swapLastTwo(b) : b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      disposeIntermediates(backend, owned);
    }
  };
  return { kernelName: 'BatchMatMul', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}
