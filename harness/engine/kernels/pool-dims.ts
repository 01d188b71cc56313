// The pooling attributes tfjs hands MaxPool and MaxPoolGrad, and the dims the native kernels take.
import * as tf from '@tensorflow/tfjs';
import type { PoolDims } from './native-kernels.js';

export interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** tfjs's geometry of a max pool over `x` (NHWC) with these attributes. */
export function poolInfo(x: tf.TensorInfo, attrs: PoolAttrs): tf.backend_util.Conv2DInfo {
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  return tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
}

/** [n, h, w, c, fh, fw, sh, sw, oh, ow, top, left] for native-kernels.ts. */
export function nativePoolDims(info: tf.backend_util.Conv2DInfo): PoolDims {
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.effectiveFilterHeight, info.effectiveFilterWidth,
    info.strideHeight, info.strideWidth, info.outHeight, info.outWidth, info.padInfo.top, info.padInfo.left,
  ]);
}
