// A feed-forward image classifier read layer by layer from its tfjs model, computed in float64: convolutions
// and max pools (the spatial part, where a pixel's influence stays local), then dense layers. The
// receptive-field evaluator replays it incrementally; anything else is refused with the reason.
import type * as tf from '@tensorflow/tfjs';

export type Shape3 = [height: number, width: number, channels: number];

interface Window {
  inShape: Shape3;
  outShape: Shape3;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
}

export interface ConvOp extends Window {
  kind: 'conv';
  /** [kh, kw, cin, cout], as tfjs stores it (float32 weights: kept so, half the memory traffic) */
  kernel: Float32Array;
  bias: Float64Array;
  relu: boolean;
}

export interface PoolOp extends Window {
  kind: 'pool';
}

export type SpatialOp = ConvOp | PoolOp;

export interface DenseOp {
  inputs: number;
  units: number;
  /** [inputs, units], as tfjs stores it */
  kernel: Float32Array;
  bias: Float64Array;
  relu: boolean;
}

export interface LayerStack {
  inputShape: Shape3;
  spatial: SpatialOp[];
  /** at least one; the first reads the last spatial output flattened (NHWC order), the last gives the logits */
  dense: DenseOp[];
}

/** Activations of one input, every layer, in float64. */
export interface Trace {
  /** spatial[l]: the output of spatial op l after its activation (flattened NHWC) */
  spatial: Float64Array[];
  /** conv pre-activations, by spatial op index (undefined for pools) */
  spatialPre: (Float64Array | undefined)[];
  /** pre-activations of the first dense layer */
  firstDensePre: Float64Array;
  logits: Float64Array;
}

/** Layers that change nothing in the flattened NHWC layout. */
const PASS_THROUGH = new Set(['InputLayer', 'Dropout', 'Flatten']);

interface PaddingConfig {
  kernel: [number, number];
  strides: [number, number];
  padding: string;
}

function pair(value: unknown, what: string): [number, number] {
  const values = [value].flat() as number[];
  if (values.length === 1) return [values[0], values[0]];
  if (values.length === 2) return [values[0], values[1]];
  throw new Error(`${what}: expected one or two numbers`);
}

function windowOf(inShape: Shape3, channelsOut: number, { kernel: [kh, kw], strides: [sh, sw], padding }: PaddingConfig): Window {
  const [height, width] = inShape;
  if (padding === 'same') {
    const outH = Math.ceil(height / sh);
    const outW = Math.ceil(width / sw);
    const padTop = Math.floor(Math.max((outH - 1) * sh + kh - height, 0) / 2);
    const padLeft = Math.floor(Math.max((outW - 1) * sw + kw - width, 0) / 2);
    return { inShape, outShape: [outH, outW, channelsOut], kh, kw, sh, sw, padTop, padLeft };
  }
  if (padding !== 'valid') throw new Error(`padding '${padding}' is not supported`);
  return { inShape, outShape: [Math.floor((height - kh) / sh) + 1, Math.floor((width - kw) / sw) + 1, channelsOut], kh, kw, sh, sw, padTop: 0, padLeft: 0 };
}

function activation(name: unknown, layer: string): boolean {
  if (name === undefined || name === 'linear') return false;
  if (name === 'relu') return true;
  throw new Error(`layer ${layer} has activation ${String(name)}`);
}

function weights(layer: tf.layers.Layer): { kernel: Float32Array; bias: Float64Array | undefined } {
  const [kernel, bias] = layer.getWeights();
  return { kernel: Float32Array.from(kernel.dataSync()), bias: bias === undefined ? undefined : Float64Array.from(bias.dataSync()) };
}

/** The stack of a sequential Conv2D / MaxPooling2D / Flatten / Dense network with ReLU or linear activations, or why not. */
export function readLayerStack(model: tf.LayersModel): LayerStack | { unsupported: string } {
  try {
    return read(model);
  } catch (error) {
    return { unsupported: error instanceof Error ? error.message : String(error) };
  }
}

function read(model: tf.LayersModel): LayerStack {
  const input = model.inputs[0].shape.slice(1);
  if (input.length !== 3 || input.some((d) => d === null)) throw new Error(`input shape [${input.join(', ')}] is not height × width × channels`);
  const inputShape = input as Shape3;
  let shape: number[] = inputShape;
  const spatial: SpatialOp[] = [];
  const dense: DenseOp[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const config = layer.getConfig() as Record<string, unknown>;
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') throw new Error(`layer ${layer.name} is not channels-last`);
    if (className === 'Conv2D') {
      if (dense.length > 0 || shape.length !== 3) throw new Error(`convolution ${layer.name} after a dense layer`);
      if (pair(config.dilationRate ?? 1, layer.name).some((d) => d !== 1)) throw new Error(`layer ${layer.name} is dilated`);
      const { kernel, bias } = weights(layer);
      const channelsOut = config.filters as number;
      const win = windowOf(shape as Shape3, channelsOut, { kernel: pair(config.kernelSize, layer.name), strides: pair(config.strides, layer.name), padding: config.padding as string });
      spatial.push({ kind: 'conv', ...win, kernel, bias: bias ?? new Float64Array(channelsOut), relu: activation(config.activation, layer.name) });
      shape = win.outShape;
    } else if (className === 'MaxPooling2D') {
      if (dense.length > 0 || shape.length !== 3) throw new Error(`pooling ${layer.name} after a dense layer`);
      const kernel = pair(config.poolSize, layer.name);
      const win = windowOf(shape as Shape3, shape[2], { kernel, strides: pair(config.strides ?? kernel, layer.name), padding: config.padding as string });
      spatial.push({ kind: 'pool', ...win });
      shape = win.outShape;
    } else if (className === 'Dense') {
      const inputs = shape.reduce((a, b) => a * b, 1);
      const { kernel, bias } = weights(layer);
      const units = config.units as number;
      if (kernel.length !== inputs * units) throw new Error(`dense layer ${layer.name} reads ${kernel.length / units} inputs, not the ${inputs} flattened`);
      dense.push({ inputs, units, kernel, bias: bias ?? new Float64Array(units), relu: activation(config.activation, layer.name) });
      shape = [units];
    } else if (className === 'ReLU' || className === 'Activation') {
      if (className === 'Activation' && !activation(config.activation, layer.name)) continue;
      const last = dense.length > 0 ? dense[dense.length - 1] : spatial[spatial.length - 1];
      if (last === undefined || ('kind' in last && last.kind === 'pool') || (last as ConvOp | DenseOp).relu) {
        throw new Error(`ReLU ${layer.name} does not follow a convolution or dense layer`);
      }
      (last as ConvOp | DenseOp).relu = true;
    } else if (!PASS_THROUGH.has(className)) {
      throw new Error(`layer ${layer.name} is a ${className}`);
    }
  }
  if (dense.length === 0) throw new Error('no dense layer');
  if (dense[dense.length - 1].relu) throw new Error('the logits pass through a ReLU');
  return { inputShape, spatial, dense };
}

export function convForward(op: ConvOp, input: Float64Array): { pre: Float64Array; post: Float64Array } {
  const [height, width, cin] = op.inShape;
  const [outH, outW, cout] = op.outShape;
  const pre = new Float64Array(outH * outW * cout);
  for (let oh = 0; oh < outH; oh++) {
    for (let ow = 0; ow < outW; ow++) {
      const out = (oh * outW + ow) * cout;
      for (let co = 0; co < cout; co++) pre[out + co] = op.bias[co];
      for (let i = 0; i < op.kh; i++) {
        const ih = oh * op.sh + i - op.padTop;
        if (ih < 0 || ih >= height) continue;
        for (let j = 0; j < op.kw; j++) {
          const iw = ow * op.sw + j - op.padLeft;
          if (iw < 0 || iw >= width) continue;
          for (let ci = 0; ci < cin; ci++) {
            const v = input[(ih * width + iw) * cin + ci];
            if (v === 0) continue;
            const k = ((i * op.kw + j) * cin + ci) * cout;
            for (let co = 0; co < cout; co++) pre[out + co] += v * op.kernel[k + co];
          }
        }
      }
    }
  }
  return { pre, post: op.relu ? pre.map((v) => (v > 0 ? v : 0)) : pre };
}

export function poolForward(op: PoolOp, input: Float64Array): Float64Array {
  const [height, width, channels] = op.inShape;
  const [outH, outW] = op.outShape;
  const out = new Float64Array(outH * outW * channels).fill(Number.NEGATIVE_INFINITY);
  for (let oh = 0; oh < outH; oh++) {
    for (let ow = 0; ow < outW; ow++) {
      const o = (oh * outW + ow) * channels;
      for (let i = 0; i < op.kh; i++) {
        const ih = oh * op.sh + i - op.padTop;
        if (ih < 0 || ih >= height) continue;
        for (let j = 0; j < op.kw; j++) {
          const iw = ow * op.sw + j - op.padLeft;
          if (iw < 0 || iw >= width) continue;
          const at = (ih * width + iw) * channels;
          for (let c = 0; c < channels; c++) if (input[at + c] > out[o + c]) out[o + c] = input[at + c];
        }
      }
    }
  }
  return out;
}

/** y = x·K + b for one dense layer, before its activation. */
export function denseForward(op: DenseOp, x: Float64Array): Float64Array {
  const y = Float64Array.from(op.bias);
  for (let i = 0; i < op.inputs; i++) {
    const v = x[i];
    if (v === 0) continue;
    const row = i * op.units;
    for (let u = 0; u < op.units; u++) y[u] += v * op.kernel[row + u];
  }
  return y;
}

/** The dense layers from the first's pre-activations to the logits; `hidden` receives each hidden dense layer's output. */
export function denseTail(stack: LayerStack, firstPre: Float64Array, hidden?: Float64Array[]): Float64Array {
  let values: Float64Array = stack.dense[0].relu ? firstPre.map((v) => (v > 0 ? v : 0)) : firstPre;
  for (let l = 1; l < stack.dense.length; l++) {
    hidden?.push(values);
    const op = stack.dense[l];
    const pre = denseForward(op, values);
    values = op.relu ? pre.map((v) => (v > 0 ? v : 0)) : pre;
  }
  return values;
}

export function trace(stack: LayerStack, x: ArrayLike<number>): Trace {
  let values: Float64Array = Float64Array.from(x);
  const spatial: Float64Array[] = [];
  const spatialPre: (Float64Array | undefined)[] = [];
  for (const op of stack.spatial) {
    if (op.kind === 'conv') {
      const { pre, post } = convForward(op, values);
      spatialPre.push(pre);
      values = post;
    } else {
      spatialPre.push(undefined);
      values = poolForward(op, values);
    }
    spatial.push(values);
  }
  const firstDensePre = denseForward(stack.dense[0], values);
  return { spatial, spatialPre, firstDensePre, logits: denseTail(stack, firstDensePre) };
}
