// tfjs-backend-wasm's own Conv2DBackpropInput is a plain loop, about 11× slower than the forward
// convolution on a 3×3, 32→64-channel MNIST layer; every input gradient of a CNN (training and
// gradient attacks alike) goes through it. For stride 1 the input gradient is a forward convolution
// of dy with the filter rotated by 180° and its channels swapped: on gauntlet's native kernels
// (native-kernels.ts) when they are built, else on XNNPACK (on column groups when the input has few
// channels: see conv2d-wasm.ts). Other cases (strides > 1, padding wider than the filter) go to
// tfjs-backend-wasm's own kernel.
import * as tf from '@tensorflow/tfjs';
import { disposeIntermediates } from './dispose-intermediates.js';
import { nativeKernels } from './native-kernels.js';
import { allocateFloat32, float32View } from './wasm-heap.js';

interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** Wraps the wasm backend's registered kernel, which stays the fallback. */
export function conv2DBackpropInputWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return native.kernelFunc(args);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast',
    );
    const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
    const top = filterHeight - 1 - padInfo.top;
    const left = filterWidth - 1 - padInfo.left;
    const bottom = inHeight + padInfo.top - outHeight;
    const right = inWidth + padInfo.left - outWidth;
    if (strideHeight !== 1 || strideWidth !== 1 || Math.min(top, left, bottom, right) < 0) return native.kernelFunc(args);
    const kernels = nativeKernels();
    if (kernels !== undefined && inputShape.every((d) => d > 0)) {
      // the native kernels turn the filter and convolve in one call (native/src/kernels.cc)
      const dx = allocateFloat32(backend, inputShape);
      const dims = Int32Array.from([...inputShape, filterHeight, filterWidth, filter.shape[3], outHeight, outWidth, padInfo.top, padInfo.left]);
      kernels.conv2dBackpropInput(dims, float32View(backend, dy), float32View(backend, filter), float32View(backend, dx));
      return dx;
    }

    const run = (kernelName: string, kernelInputs: Record<string, tf.TensorInfo>, kernelAttrs: Record<string, unknown>): tf.TensorInfo => {
      const kernel = tf.getKernel(kernelName, 'wasm');
      if (kernel === undefined) throw new Error(`Conv2DBackpropInput (wasm): kernel ${kernelName} is missing`);
      return kernel.kernelFunc({ inputs: kernelInputs, backend, attrs: kernelAttrs as tf.NamedAttrMap }) as tf.TensorInfo;
    };
    const owned: tf.TensorInfo[] = [];
    try {
      const rotated = run('Reverse', { x: filter }, { dims: [0, 1] });
      owned.push(rotated);
      const swapped = run('Transpose', { x: rotated }, { perm: [0, 1, 3, 2] });
      owned.push(swapped);
      return run('Conv2D', { x: dy, filter: swapped }, {
        strides: [1, 1],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      });
    } finally {
      disposeIntermediates(backend, owned);
    }
  };
  return { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}
