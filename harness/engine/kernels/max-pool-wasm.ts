// MaxPool on gauntlet's native kernels, which follow the cpu backend's rule (NaN ignored, −∞ for a
// window of padding only), as MaxPoolGrad does; the wasm backend's XNNPACK kernel otherwise.
import type * as tf from '@tensorflow/tfjs';
import { nativeKernels } from './native-kernels.js';
import { nativePoolDims, poolInfo, type PoolAttrs } from './pool-dims.js';
import { allocateFloat32, float32View } from './wasm-heap.js';

/** Wraps the wasm backend's registered kernel, which stays the fallback. */
export function maxPoolWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: tf.TensorInfo };
    const kernels = nativeKernels();
    if (kernels === undefined || x.dtype !== 'float32' || x.shape.length !== 4 || x.shape.some((d) => d === 0)) return native.kernelFunc(args);
    const info = poolInfo(x, attrs as unknown as PoolAttrs);
    // a 1×1 window that keeps the shape is the identity (NaN included) in the cpu backend and XNNPACK
    const identity = info.filterHeight === 1 && info.filterWidth === 1 && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
    if (identity || info.outHeight <= 0 || info.outWidth <= 0) return native.kernelFunc(args);
    const out = allocateFloat32(backend, info.outShape);
    kernels.maxPool(nativePoolDims(info), float32View(backend, x), float32View(backend, out));
    return out;
  };
  return { kernelName: 'MaxPool', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}
