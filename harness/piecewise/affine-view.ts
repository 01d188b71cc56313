// The shared piecewise-linear view of a ReLU network, read once from its tfjs layers: a list of
// affine maps (dense, or convolutions unrolled to sparse matrices) each followed by ReLU or not.
// Every symbolic plugin (DeepCheck, AIGENT, minimal LP search) reasons over this, in float64.
import type * as tf from '@tensorflow/tfjs';
import { UserError } from '../errors.js';
import { SparseRows, SparseRowsBuilder } from './sparse-rows.js';

export interface AffineLayer {
  name: string;
  /** rows = outputs, cols = inputs, both flattened in NHWC order */
  weights: SparseRows;
  bias: Float64Array;
  relu: boolean;
  outputShape: number[];
}

export interface PiecewiseLinearNet {
  name: string;
  inputShape: number[];
  inputSize: number;
  /** the last layer has relu false: its outputs are the logits */
  layers: AffineLayer[];
  /**
   * Called by forwardTrace once per image it evaluates. The harness's metered model sets it, so a
   * float64 forward pass through this view counts in cost.forward like a query of the model.
   */
  readonly onForward?: (images: number) => void;
}

/** Layers that pass values through unchanged in the flattened NHWC layout. */
const IDENTITY_LAYERS = new Set(['InputLayer', 'Flatten', 'Dropout', 'Reshape']);

interface ConvConfig {
  kernelSize: number[];
  strides: number[];
  padding: string;
  dataFormat?: string;
  dilationRate?: number | number[];
  activation?: string;
}

function shapeOf(shape: (number | null)[], what: string): number[] {
  const dims = shape.slice(1);
  if (dims.some((d) => d === null)) throw new UserError(`${what} has an unknown dimension`);
  return dims as number[];
}

function weightsOf(layer: tf.layers.Layer): { kernel: Float32Array; kernelShape: number[]; bias: Float32Array | undefined } {
  const [kernel, bias] = layer.getWeights();
  return { kernel: kernel.dataSync() as Float32Array, kernelShape: kernel.shape, bias: bias?.dataSync() as Float32Array | undefined };
}

function denseLayer(layer: tf.layers.Layer, inputSize: number): AffineLayer {
  const { kernel, kernelShape, bias } = weightsOf(layer);
  const [rowsIn, units] = kernelShape;
  if (rowsIn !== inputSize) throw new UserError(`layer ${layer.name} expects ${rowsIn} inputs, the view has ${inputSize}`);
  const builder = new SparseRowsBuilder(units, inputSize);
  for (let out = 0; out < units; out++) {
    for (let i = 0; i < inputSize; i++) {
      const w = kernel[i * units + out];
      if (w !== 0) builder.add(i, w);
    }
    builder.endRow();
  }
  return { name: layer.name, weights: builder.build(), bias: Float64Array.from(bias ?? new Float32Array(units)), relu: false, outputShape: [units] };
}

function convLayer(layer: tf.layers.Layer, inputShape: number[]): AffineLayer {
  const config = layer.getConfig() as unknown as ConvConfig;
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') {
    throw new UserError(`layer ${layer.name}: only channels-last convolutions are supported, got ${config.dataFormat}`);
  }
  const dilation = [config.dilationRate ?? 1].flat();
  if (dilation.some((d) => d !== 1)) throw new UserError(`layer ${layer.name}: dilated convolutions are not supported`);
  const { kernel, kernelShape, bias } = weightsOf(layer);
  const [kh, kw, cin, cout] = kernelShape;
  const [height, width, channels] = inputShape;
  if (channels !== cin) throw new UserError(`layer ${layer.name} expects ${cin} channels, the view has ${channels}`);
  const [sh, sw] = config.strides;
  let outH: number;
  let outW: number;
  let padTop = 0;
  let padLeft = 0;
  if (config.padding === 'same') {
    outH = Math.ceil(height / sh);
    outW = Math.ceil(width / sw);
    padTop = Math.floor(Math.max((outH - 1) * sh + kh - height, 0) / 2);
    padLeft = Math.floor(Math.max((outW - 1) * sw + kw - width, 0) / 2);
  } else if (config.padding === 'valid') {
    outH = Math.floor((height - kh) / sh) + 1;
    outW = Math.floor((width - kw) / sw) + 1;
  } else {
    throw new UserError(`layer ${layer.name}: padding '${config.padding}' is not supported`);
  }
  const builder = new SparseRowsBuilder(outH * outW * cout, height * width * channels);
  const biasValues = new Float64Array(outH * outW * cout);
  for (let oh = 0; oh < outH; oh++) {
    for (let ow = 0; ow < outW; ow++) {
      for (let co = 0; co < cout; co++) {
        for (let i = 0; i < kh; i++) {
          const ih = oh * sh + i - padTop;
          if (ih < 0 || ih >= height) continue;
          for (let j = 0; j < kw; j++) {
            const iw = ow * sw + j - padLeft;
            if (iw < 0 || iw >= width) continue;
            for (let ci = 0; ci < cin; ci++) {
              const w = kernel[((i * kw + j) * cin + ci) * cout + co];
              if (w !== 0) builder.add((ih * width + iw) * channels + ci, w);
            }
          }
        }
        builder.endRow();
        biasValues[(oh * outW + ow) * cout + co] = bias?.[co] ?? 0;
      }
    }
  }
  return { name: layer.name, weights: builder.build(), bias: biasValues, relu: false, outputShape: [outH, outW, cout] };
}

function applyActivation(net: AffineLayer[], activation: string | undefined, layer: tf.layers.Layer, modelName: string): void {
  if (activation === undefined || activation === 'linear') return;
  if (activation !== 'relu') {
    throw new UserError(`model ${modelName} is not piecewise linear: layer ${layer.name} has activation ${activation} (expected relu or linear)`);
  }
  const last = net[net.length - 1];
  if (last === undefined || last.relu) {
    throw new UserError(`model ${modelName}: ReLU layer ${layer.name} does not follow a Dense or Conv2D layer`);
  }
  last.relu = true;
}

/** Reads the affine maps of a ReLU network; a clear error for any layer it cannot express. */
export function piecewiseLinearView(model: tf.LayersModel, name: string): PiecewiseLinearNet {
  const inputShape = shapeOf(model.inputs[0].shape, `the input of model ${name}`);
  let shape = inputShape;
  const layers: AffineLayer[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const config = layer.getConfig() as { activation?: string };
    const size = shape.reduce((a, b) => a * b, 1);
    if (className === 'Dense') {
      layers.push(denseLayer(layer, size));
      applyActivation(layers, config.activation, layer, name);
    } else if (className === 'Conv2D') {
      layers.push(convLayer(layer, shape));
      applyActivation(layers, config.activation, layer, name);
    } else if (className === 'ReLU') {
      applyActivation(layers, 'relu', layer, name);
    } else if (className === 'Activation') {
      // a final softmax does not change the argmax; the view stops at the logits
      if (config.activation === 'softmax' && layer === model.layers[model.layers.length - 1]) break;
      applyActivation(layers, config.activation, layer, name);
    } else if (!IDENTITY_LAYERS.has(className)) {
      throw new UserError(`model ${name} is not a ReLU network of Dense/Conv2D layers: it has ${className} (layer ${layer.name})`);
    }
    if (className !== 'InputLayer') shape = shapeOf(layer.outputShape as (number | null)[], `layer ${layer.name}`);
  }
  const last = layers[layers.length - 1];
  if (last === undefined) throw new UserError(`model ${name} has no Dense or Conv2D layer`);
  if (last.relu) throw new UserError(`model ${name} ends in a ReLU; expected linear logits`);
  return { name, inputShape, inputSize: inputShape.reduce((a, b) => a * b, 1), layers };
}

export interface ForwardTrace {
  /** pre-activation values of every layer */
  pre: Float64Array[];
  /** values after the layer's ReLU (equal to pre for linear layers); the last is the logits */
  post: Float64Array[];
}

export function forwardTrace(net: PiecewiseLinearNet, x: ArrayLike<number>): ForwardTrace {
  net.onForward?.(1);
  const pre: Float64Array[] = [];
  const post: Float64Array[] = [];
  let values: ArrayLike<number> = x;
  for (const layer of net.layers) {
    const z = layer.weights.multiply(values);
    for (let i = 0; i < z.length; i++) z[i] += layer.bias[i];
    pre.push(z);
    const a = layer.relu ? z.map((v) => (v > 0 ? v : 0)) : z;
    post.push(a);
    values = a;
  }
  return { pre, post };
}

/** The ReLU phases x induces: active[l][i] is true when unit i of layer l has a positive pre-activation. */
export function activationPattern(net: PiecewiseLinearNet, x: ArrayLike<number>): boolean[][] {
  const { pre } = forwardTrace(net, x);
  return net.layers.map((layer, l) => (layer.relu ? Array.from(pre[l], (v) => v > 0) : []));
}
