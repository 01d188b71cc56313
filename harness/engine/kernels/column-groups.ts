// A stride-1 convolution with few input or output channels wastes most of XNNPACK's work: it
// computes output channels in tiles of 8 (1 output channel took as long as 8) and pays a fixed cost
// per output pixel that a short dot product (5×5×1 = 25 terms) does not amortise. LeNet's first
// layer has both: its forward pass had 1 input channel, its input gradient 1 output channel (48 ms
// of a 181 ms input gradient at batch 512).
//
// Grouping G adjacent columns into the channels of one column fixes both: the input, shifted by the
// left padding, is viewed as [N, H, W'/G, G·Cin] (a free reshape of NHWC memory) and convolved with
// a filter [KH, J, G·Cin, G·Cout] that holds each tap where it falls; output column g then carries
// the G·Cout channels of columns gG … gG+G−1, again a free reshape of [N, H, W, Cout]. J = 2
// groups of input columns suffice once G ≥ KW − 1. The extra filter entries are zeros, so every
// output is the same sum of products, in a different order.
import * as tf from '@tensorflow/tfjs';
import { disposeIntermediates } from './dispose-intermediates.js';
import { allocateFloat32, float32View } from './wasm-heap.js';

/** XNNPACK's convolutions compute output channels in tiles of this many. */
const OUTPUT_CHANNEL_TILE = 8;
/**
 * XNNPACK's fixed cost per output pixel, in multiply-adds of one channel tile. Fitted to the time of
 * LeNet's first layer (forward and input gradient) with G = 1, 2, 4, 7, 14: the modelled ratios to
 * G = 1 were within 15% of the measured ones.
 */
const PIXEL_COST = 33;
/** Grouping must cut the modelled cost at least this much, well beyond the model's error. */
const REQUIRED_SAVING = 0.75;

type KernelBackend = Parameters<tf.KernelFunc>[0]['backend'];

export interface StrideOneConv {
  /** [N, H, W, Cin] */
  x: tf.TensorInfo;
  /** [KH, KW, Cin, Cout] */
  filter: tf.TensorInfo;
  top: number;
  bottom: number;
  /** ≥ 0 */
  left: number;
  /** ≥ 0 */
  right: number;
}

export interface ColumnGroup {
  /** output columns per group, G */
  columns: number;
  /** groups of input columns one output group reads, J */
  span: number;
}

/** The columns per group (dividing the output width) that makes the convolution cheapest, if grouping pays. */
export function columnGroup(conv: StrideOneConv): ColumnGroup | undefined {
  const [filterHeight, filterWidth, inChannels, outChannels] = conv.filter.shape;
  const outWidth = conv.x.shape[2] + conv.left + conv.right - filterWidth + 1;
  const tiles = (channels: number): number => Math.ceil(channels / OUTPUT_CHANNEL_TILE);
  // cost per output pixel of the plain convolution (columns = 1, span = filterWidth) and of each grouping
  const cost = (columns: number, span: number): number =>
    (PIXEL_COST + filterHeight * span * columns * inChannels * tiles(columns * outChannels)) / columns;
  let best: ColumnGroup = { columns: 1, span: filterWidth };
  let bestCost = REQUIRED_SAVING * cost(1, filterWidth);
  for (let columns = 2; columns <= outWidth; columns++) {
    if (outWidth % columns !== 0) continue;
    const span = 1 + Math.floor((columns + filterWidth - 2) / columns);
    const c = cost(columns, span);
    if (c < bestCost) {
      best = { columns, span };
      bestCost = c;
    }
  }
  return best.columns === 1 ? undefined : best;
}

/**
 * The convolution computed on column groups by `convolve`, a native Conv2D or FusedConv2D (whose bias
 * is then repeated for each column of a group, and whose other attributes are passed on).
 */
export function convolveColumnGroups(
  backend: KernelBackend,
  convolve: tf.KernelFunc,
  conv: StrideOneConv,
  group: ColumnGroup,
  fused?: { bias?: tf.TensorInfo; attrs: tf.NamedAttrMap },
): tf.TensorInfo {
  const { x, top, bottom, left, right } = conv;
  const [filterHeight, filterWidth, inChannels, outChannels] = conv.filter.shape;
  const { columns, span } = group;
  const [batch, inHeight, inWidth] = x.shape as [number, number, number, number];
  const outWidth = inWidth + left + right - filterWidth + 1;
  const outHeight = inHeight + top + bottom - filterHeight + 1;
  const paddedWidth = (outWidth / columns + span - 1) * columns;
  const padded = allocateFloat32(backend, [batch, inHeight, paddedWidth / columns, columns * inChannels]);
  const filter = allocateFloat32(backend, [filterHeight, span, columns * inChannels, columns * outChannels]);
  const bias = fused?.bias === undefined ? undefined : allocateFloat32(backend, [columns * outChannels]);
  const owned = bias === undefined ? [padded, filter] : [padded, filter, bias];
  try {
    const source = float32View(backend, x);
    const target = float32View(backend, padded);
    const rowIn = inWidth * inChannels;
    const rowOut = paddedWidth * inChannels;
    const before = left * inChannels;
    for (let row = 0; row < batch * inHeight; row++) {
      const start = row * rowOut;
      target.fill(0, start, start + before);
      target.set(source.subarray(row * rowIn, (row + 1) * rowIn), start + before);
      target.fill(0, start + before + rowIn, start + rowOut);
    }
    // input column gi of group j feeds output column go of the same group index through tap kw = j·G + gi − go
    const w = float32View(backend, conv.filter);
    const f = float32View(backend, filter);
    f.fill(0);
    for (let kh = 0; kh < filterHeight; kh++) {
      for (let j = 0; j < span; j++) {
        for (let gi = 0; gi < columns; gi++) {
          for (let go = 0; go < columns; go++) {
            const kw = j * columns + gi - go;
            if (kw < 0 || kw >= filterWidth) continue;
            for (let ci = 0; ci < inChannels; ci++) {
              const at = (((kh * span + j) * columns + gi) * inChannels + ci) * columns * outChannels + go * outChannels;
              const tap = ((kh * filterWidth + kw) * inChannels + ci) * outChannels;
              f.set(w.subarray(tap, tap + outChannels), at);
            }
          }
        }
      }
    }
    if (bias !== undefined && fused?.bias !== undefined) {
      const b = float32View(backend, fused.bias);
      const repeated = float32View(backend, bias);
      for (let go = 0; go < columns; go++) repeated.set(b, go * outChannels);
    }
    const out = convolve({
      inputs: bias === undefined ? { x: padded, filter } : { x: padded, filter, bias },
      backend,
      attrs: { ...fused?.attrs, strides: [1, 1], pad: [[0, 0], [top, bottom], [0, 0], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] },
    }) as tf.TensorInfo;
    return { dataId: out.dataId, shape: [batch, outHeight, outWidth, outChannels], dtype: out.dtype };
  } finally {
    disposeIntermediates(backend, owned);
  }
}
