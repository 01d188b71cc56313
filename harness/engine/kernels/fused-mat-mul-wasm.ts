// _FusedMatMul (a dense layer's product, bias and activation in one kernel) on gauntlet's native
// kernels when they take the case (linear or ReLU, a bias of one value per column); XNNPACK otherwise.
import type * as tf from '@tensorflow/tfjs';
import { nativeMatMul } from './native-mat-mul.js';

interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
}

/** Wraps the wasm backend's registered kernel, which stays the fallback. */
export function fusedMatMulWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { transposeA, transposeB, activation = 'linear' } = args.attrs as unknown as FusedMatMulAttrs;
    if (preluActivationWeights !== undefined || (activation !== 'linear' && activation !== 'relu')) return native.kernelFunc(args);
    return nativeMatMul(args.backend, { a, b, transposeA, transposeB, bias, relu: activation === 'relu' }) ?? native.kernelFunc(args);
  };
  return { kernelName: '_FusedMatMul', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}
