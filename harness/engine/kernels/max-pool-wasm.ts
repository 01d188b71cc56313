// MaxPool on gauntlet's native kernels, which follow the cpu backend's rule (NaN ignored, −∞ for a
// window of padding only), as MaxPoolGrad does; the wasm backend's XNNPACK kernel otherwise.
import * as tf from '@tensorflow/tfjs';
import { nativeKernels } from './native-kernels.js';
import { allocateFloat32, float32View } from './wasm-heap.js';

interface MaxPoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Wraps the wasm backend's registered kernel, which stays the fallback. */
export function maxPoolWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: tf.TensorInfo };
    const kernels = nativeKernels();
    if (kernels === undefined || x.dtype !== 'float32' || x.shape.length !== 4 || x.shape.some((d) => d === 0)) return native.kernelFunc(args);
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolAttrs;
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    // a 1×1 window that keeps the shape is the identity (NaN included) in the cpu backend and XNNPACK
    const identity = info.filterHeight === 1 && info.filterWidth === 1 && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
    if (identity || info.outHeight <= 0 || info.outWidth <= 0) return native.kernelFunc(args);
    const out = allocateFloat32(backend, info.outShape);
    const dims = Int32Array.from([
      info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.effectiveFilterHeight, info.effectiveFilterWidth,
      info.strideHeight, info.strideWidth, info.outHeight, info.outWidth, info.padInfo.top, info.padInfo.left,
    ]);
    kernels.maxPool(dims, float32View(backend, x), float32View(backend, out));
    return out;
  };
  return { kernelName: 'MaxPool', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}
