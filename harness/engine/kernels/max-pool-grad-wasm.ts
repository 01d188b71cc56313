// tfjs-backend-wasm's MaxPoolGrad was the largest cost of a LeNet input gradient (73 ms of 181 for
// its two pooling layers, batch 512) and disagrees with the cpu backend, TensorFlow and PyTorch
// about which input a window's gradient goes to: it keeps the last of tied maxima, and its running
// maximum starts at FLT_MIN instead of −∞, so a window whose values are all below 1.2e-38 (all zero,
// or negative) passes its gradient nowhere. This kernel follows the cpu backend: the first strictly
// greatest value in row-major order takes the window's gradient; a window of NaN or −∞ only (or
// only padding) passes none. Each input sums the windows it wins in the cpu backend's order
// (ascending output row, then column) in double precision, so results match it bit for bit. With
// gauntlet's native kernels built (native-kernels.ts) the same rule and sums run there.
import * as tf from '@tensorflow/tfjs';
import { nativeKernels } from './native-kernels.js';
import { nativePoolDims, poolInfo, type PoolAttrs } from './pool-dims.js';
import { allocateFloat32, float32View } from './wasm-heap.js';

/** Wraps the wasm backend's registered kernel, which stays the fallback for non-float32 tensors. */
export function maxPoolGradWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    if (dy.dtype !== 'float32' || input.dtype !== 'float32') return native.kernelFunc(args);
    const info = poolInfo(input, attrs as unknown as PoolAttrs);
    const { batchSize, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
    const filterHeight = info.effectiveFilterHeight;
    const filterWidth = info.effectiveFilterWidth;
    if (dy.shape.length !== 4 || dy.shape[0] !== batchSize || dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== inChannels) {
      throw new Error(`MaxPoolGrad (wasm): dy has shape [${dy.shape.join(', ')}], expected [${info.outShape.join(', ')}]`);
    }
    const kernels = nativeKernels();
    if (kernels !== undefined && batchSize * info.inHeight * info.inWidth * inChannels > 0) {
      // the same rule and the same sums in native code (native/src/kernels.cc), bit for bit
      const out = allocateFloat32(backend, input.shape);
      kernels.maxPoolGrad(nativePoolDims(info), float32View(backend, input), float32View(backend, dy), float32View(backend, out));
      return out;
    }
    const winners = firstMaxima(float32View(backend, input), info);
    const out = allocateFloat32(backend, input.shape);
    const g = float32View(backend, dy);
    const dx = float32View(backend, out);
    // Windows that overlap may send several gradients to one input: those sums run in doubles, as the
    // cpu backend's do; otherwise each input receives at most one value, which float32 holds exactly.
    if (strideHeight < filterHeight || strideWidth < filterWidth) {
      const sums = new Float64Array(dx.length);
      for (let i = 0; i < winners.length; i++) if (winners[i] >= 0) sums[winners[i]] += g[i];
      dx.set(sums);
    } else {
      dx.fill(0);
      for (let i = 0; i < winners.length; i++) if (winners[i] >= 0) dx[winners[i]] += g[i];
    }
    return out;
  };
  return { kernelName: 'MaxPoolGrad', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}

/** For each window (in dy's layout), the flat index in x of its first strictly greatest value, or −1. */
function firstMaxima(x: Float32Array, info: tf.backend_util.Conv2DInfo): Int32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
  const filterHeight = info.effectiveFilterHeight;
  const filterWidth = info.effectiveFilterWidth;
  const winners = new Int32Array(batchSize * outHeight * outWidth * inChannels);
  const rowStride = inWidth * inChannels;
  let w = 0;
  for (let b = 0; b < batchSize; b++) {
    const imageBase = b * inHeight * rowStride;
    for (let yR = 0; yR < outHeight; yR++) {
      const rowCorner = yR * strideHeight - padInfo.top;
      const rowMin = Math.max(0, rowCorner);
      const rowMax = Math.min(inHeight, rowCorner + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const colCorner = yC * strideWidth - padInfo.left;
        const colMin = Math.max(0, colCorner);
        const colMax = Math.min(inWidth, colCorner + filterWidth);
        if (rowMax - rowMin === 2 && colMax - colMin === 2) {
          // the common 2×2 window, unrolled: about 1.5× faster than the loops below
          const corner = imageBase + rowMin * rowStride + colMin * inChannels;
          for (let d = 0; d < inChannels; d++, w++) {
            const i0 = corner + d;
            const i1 = i0 + inChannels;
            const i2 = i0 + rowStride;
            const i3 = i2 + inChannels;
            let best = Number.NEGATIVE_INFINITY;
            let at = -1;
            if (x[i0] > best) {
              best = x[i0];
              at = i0;
            }
            if (x[i1] > best) {
              best = x[i1];
              at = i1;
            }
            if (x[i2] > best) {
              best = x[i2];
              at = i2;
            }
            if (x[i3] > best) at = i3;
            winners[w] = at;
          }
          continue;
        }
        for (let d = 0; d < inChannels; d++, w++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let xR = rowMin; xR < rowMax; xR++) {
            let i = imageBase + xR * rowStride + colMin * inChannels + d;
            for (let xC = colMin; xC < colMax; xC++, i += inChannels) {
              const v = x[i];
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          winners[w] = at;
        }
      }
    }
  }
  return winners;
}
