// Conv2D and FusedConv2D on wasm: stride-1 convolutions with a linear or ReLU activation on
// gauntlet's native kernels (native-kernels.ts) when they are built. Otherwise on XNNPACK, computed
// on column groups (column-groups.ts) where the cost model says that pays: LeNet's first layer (1
// input channel) and the input gradient of any layer with few input channels, which
// Conv2DBackpropInput turns into a stride-1 Conv2D with few output channels.
import * as tf from '@tensorflow/tfjs';
import { columnGroup, convolveColumnGroups, type StrideOneConv } from './column-groups.js';
import { nativeKernels } from './native-kernels.js';
import { allocateFloat32, float32View } from './wasm-heap.js';

interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

/** The stride-1, undilated NHWC float32 convolution these inputs and attributes describe, if they do. */
function strideOneConv(x: tf.TensorInfo, filter: tf.TensorInfo, attrs: Conv2DAttrs): StrideOneConv | undefined {
  if (attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  const { top, bottom, left, right } = info.padInfo;
  if (Math.min(top, bottom, left, right) < 0) return undefined;
  return { x, filter, top, bottom, left, right };
}

/**
 * The convolution on the native kernels (native-kernels.ts), with bias and ReLU fused, when they are
 * available and the case is theirs: stride 1, padding no wider than the filter, linear or ReLU.
 */
function nativeConv(backend: unknown, conv: StrideOneConv, bias: tf.TensorInfo | undefined, relu: boolean): tf.TensorInfo | undefined {
  const kernels = nativeKernels();
  const [n, h, w, c] = conv.x.shape;
  const [kh, kw, , co] = conv.filter.shape;
  if (kernels === undefined || conv.top >= kh || conv.left >= kw) return undefined;
  const oh = h + conv.top + conv.bottom - kh + 1;
  const ow = w + conv.left + conv.right - kw + 1;
  if (oh <= 0 || ow <= 0 || h * w * c === 0) return undefined;
  const out = allocateFloat32(backend, [n, oh, ow, co]);
  if (n * oh * ow * co === 0) return out;
  const dims = Int32Array.from([n, h, w, c, kh, kw, co, oh, ow, conv.top, conv.left]);
  // views only after the last allocation (see wasm-heap.ts)
  kernels.conv2d(dims, float32View(backend, conv.x), float32View(backend, conv.filter), bias === undefined ? null : float32View(backend, bias), relu, float32View(backend, out));
  return out;
}

/** Wraps the wasm backend's registered kernel, which runs the (grouped or not) convolution. */
export function conv2DWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const conv = strideOneConv(x, filter, args.attrs as unknown as Conv2DAttrs);
    const viaNative = conv === undefined ? undefined : nativeConv(args.backend, conv, undefined, false);
    if (viaNative !== undefined) return viaNative;
    const group = conv === undefined ? undefined : columnGroup(conv);
    if (conv === undefined || group === undefined) return native.kernelFunc(args);
    return convolveColumnGroups(args.backend, native.kernelFunc, conv, group);
  };
  return { kernelName: 'Conv2D', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}

/** The same for the fused form (bias and activation) that inference uses; PReLU stays native. */
export function fusedConv2DWasm(native: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as {
      x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo;
    };
    const attrs = args.attrs as unknown as Conv2DAttrs;
    const outChannels = filter.shape[3];
    const plainBias = bias === undefined || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === outChannels);
    if (preluActivationWeights !== undefined || attrs.activation === 'prelu' || !plainBias) return native.kernelFunc(args);
    const conv = strideOneConv(x, filter, attrs);
    const activation = attrs.activation ?? 'linear';
    const viaNative = conv === undefined || (activation !== 'linear' && activation !== 'relu') ? undefined : nativeConv(args.backend, conv, bias, activation === 'relu');
    if (viaNative !== undefined) return viaNative;
    const group = conv === undefined ? undefined : columnGroup(conv);
    if (conv === undefined || group === undefined) return native.kernelFunc(args);
    return convolveColumnGroups(args.backend, native.kernelFunc, conv, group, { bias, attrs: args.attrs ?? {} });
  };
  return { kernelName: 'FusedConv2D', backendName: 'wasm', setupFunc: native.setupFunc, kernelFunc };
}
