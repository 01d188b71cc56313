// The one place tfjs models become ModelHandles: plugins see flat Float32Arrays, never tensors,
// so they cannot leak GPU/wasm memory or depend on which backend runs.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DatasetName, ModelRef } from '../config/experiment.js';
import { didYouMean, UserError } from '../errors.js';
import type { InputGradient, LayerSummary, LossSpec, ModelHandle, NeuronLayer, NeuronTerm } from '../types.js';
import { readZooManifest } from '../zoo/manifest.js';
import { ZOO_DIR, zooModelDir } from '../zoo/zoo-dir.js';
import { piecewiseLinearView, type PiecewiseLinearNet } from '../piecewise/affine-view.js';
import { argmaxRows } from './argmax.js';
import { denseStack } from './dense-stack.js';
import { modelLoader } from './model-files.js';

/** Samples per forward/backward pass: bounds peak memory whatever batch a plugin hands over. */
const CHUNK = 1024;

/** The layers whose units are coverage neurons (DeepXplore's and DLFuzz's neurons, less pooling and flatten). */
const NEURON_LAYER_CLASSES = new Set(['Dense', 'Conv2D']);

/** A ModelHandle that also exposes the tfjs model computing its logits (for the affine view and training). */
export interface LayersModelHandle extends ModelHandle {
  /** outputs logits: the source model with a final softmax removed */
  readonly logitsModel: tf.LayersModel;
}

export function wrapLayersModel(name: string, model: tf.LayersModel): LayersModelHandle {
  const logitsModel = withoutSoftmax(model);
  const inputShape = concreteShape(model.inputs[0].shape.slice(1), `input of model ${name}`);
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const outputShape = concreteShape(logitsModel.outputs[0].shape.slice(1), `output of model ${name}`);
  if (outputShape.length !== 1) {
    throw new UserError(`model ${name} outputs shape [${outputShape.join(', ')}] (expected one vector of class scores per sample)`);
  }
  const numClasses = outputShape[0];
  const layers = logitsModel.layers.filter((layer) => layer.getClassName() !== 'InputLayer').map(summarize);
  const neuronSources = logitsModel.layers.filter((layer) => NEURON_LAYER_CLASSES.has(layer.getClassName()));
  const neuronLayers = neuronSources.map(describeNeurons);
  const probe = neuronProbe(logitsModel, neuronSources);
  // MLPs skip tfjs for predictions and cross-entropy gradients when the native kernels are there
  const dense = denseStack(logitsModel);

  const batchOf = (x: Float32Array): number => {
    if (x.length % inputSize !== 0 || x.length === 0) {
      throw new RangeError(`model ${name}: input length ${x.length} is not a positive multiple of the input size ${inputSize}`);
    }
    return x.length / inputSize;
  };
  const logitsOf = (x: tf.Tensor): tf.Tensor2D => logitsModel.apply(x, { training: false }) as tf.Tensor2D;
  const asInput = (x: Float32Array, start: number, count: number): tf.Tensor =>
    tf.tensor(x.subarray(start * inputSize, (start + count) * inputSize), [count, ...inputShape], 'float32');

  const predict = async (x: Float32Array): Promise<Float32Array> => {
    const batch = batchOf(x);
    const viaDense = dense?.forward(x, batch);
    if (viaDense !== undefined) return viaDense;
    const out = new Float32Array(batch * numClasses);
    for (let start = 0; start < batch; start += CHUNK) {
      const count = Math.min(CHUNK, batch - start);
      const logits = tf.tidy(() => logitsOf(asInput(x, start, count)));
      try {
        await copyInto(logits, out, start * numClasses);
      } finally {
        logits.dispose();
      }
    }
    return out;
  };

  const classify = async (x: Float32Array): Promise<Int32Array> => argmaxRows(await predict(x), numClasses);

  const activations = async (x: Float32Array): Promise<Float32Array[]> => {
    const batch = batchOf(x);
    const out = neuronLayers.map((layer) => new Float32Array(batch * layer.units));
    for (let start = 0; start < batch; start += CHUNK) {
      const count = Math.min(CHUNK, batch - start);
      const values = tf.tidy(() => probe.neurons(asInput(x, start, count)).values);
      try {
        for (let l = 0; l < values.length; l++) out[l].set(await values[l].data(), start * neuronLayers[l].units);
      } finally {
        tf.dispose(values);
      }
    }
    return out;
  };

  /** The per-sample loss of rows [start, start + count) of the batch, and the logits it read, as a function of their input. */
  const lossOf = (loss: LossSpec, start: number, count: number): ((input: tf.Tensor) => { loss: tf.Tensor1D; logits: tf.Tensor }) => {
    if (loss.kind === 'objective') {
      const logitWeights = tf.tensor2d(loss.logitWeights.subarray(start * numClasses, (start + count) * numClasses), [count, numClasses]);
      const neuronWeights = termWeights(loss.neurons.slice(start, start + count), neuronLayers);
      return (input) => {
        const { logits, values } = probe.neurons(input);
        let total = logits.mul(logitWeights).sum(1) as tf.Tensor1D;
        neuronWeights.forEach((weights, l) => {
          if (weights !== undefined) total = total.add(values[l].mul(tf.tensor2d(weights, [count, neuronLayers[l].units])).sum(1));
        });
        return { loss: total, logits };
      };
    }
    const labels = tf.tensor1d(loss.labels.subarray(start, start + count), 'int32');
    const targets = loss.kind === 'margin' && loss.targets !== undefined ? tf.tensor1d(loss.targets.subarray(start, start + count), 'int32') : undefined;
    return (input) => {
      const logits = logitsOf(input);
      return { loss: lossPerSample(loss.kind, logits, labels, targets, numClasses), logits };
    };
  };

  const inputGradient = async (x: Float32Array, loss: LossSpec): Promise<InputGradient> => {
    const batch = batchOf(x);
    checkLoss(name, loss, batch, numClasses, neuronLayers);
    const viaDense = loss.kind === 'cross-entropy' ? dense?.crossEntropyGradient(x, batch, loss.labels) : undefined;
    if (viaDense !== undefined) return viaDense;
    const gradient = new Float32Array(x.length);
    const losses = new Float32Array(batch);
    const logitRows = new Float32Array(batch * numClasses);
    for (let start = 0; start < batch; start += CHUNK) {
      const count = Math.min(CHUNK, batch - start);
      let perSample: tf.Tensor | undefined;
      let logits: tf.Tensor | undefined;
      const grad = tf.tidy(() => {
        const lossFn = lossOf(loss, start, count);
        // The gradient of the summed loss is the per-sample gradient because samples do not interact;
        // the per-sample losses and the logits are kept out of the tape's tidy so they can be read back.
        return tf.grad((input: tf.Tensor) => {
          const out = lossFn(input);
          perSample = tf.keep(out.loss);
          logits = tf.keep(out.logits);
          return out.loss.sum();
        })(asInput(x, start, count));
      });
      try {
        await copyInto(grad, gradient, start * inputSize);
        if (perSample !== undefined) await copyInto(perSample, losses, start);
        if (logits !== undefined) await copyInto(logits, logitRows, start * numClasses);
      } finally {
        grad.dispose();
        perSample?.dispose();
        logits?.dispose();
      }
    }
    return { gradient, loss: losses, logits: logitRows };
  };

  let view: PiecewiseLinearNet | undefined;
  const piecewiseLinear = (): PiecewiseLinearNet => (view ??= piecewiseLinearView(logitsModel, name));

  return { name, inputShape, inputSize, numClasses, layers, neuronLayers, logitsModel, predict, classify, inputGradient, activations, piecewiseLinear };
}

/** Names of the models committed under models/ (each a folder with a model.json). */
export function zooModelNames(): string[] {
  if (!existsSync(ZOO_DIR)) return [];
  return readdirSync(ZOO_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(zooModelPath(entry.name)))
    .map((entry) => entry.name)
    .sort();
}

/** Path of a zoo model's model.json, whether or not it exists yet. */
export function zooModelPath(name: string): string {
  return join(zooModelDir(name), 'model.json');
}

/** The dataset a committed zoo model was trained on; undefined for names not in the zoo. */
export function zooModelDataset(name: string): DatasetName | undefined {
  return zooModelNames().includes(name) ? readZooManifest(name).dataset : undefined;
}

export async function loadModel(ref: ModelRef): Promise<LayersModelHandle> {
  if (typeof ref === 'string') {
    const names = zooModelNames();
    if (!names.includes(ref)) {
      const known = names.length > 0 ? `one of: ${names.join(', ')}` : 'a trained zoo model (models/ has none)';
      throw new UserError(`unknown zoo model '${ref}'${didYouMean(ref, names)}; expected ${known} or {path: <model.json>}`);
    }
    return wrapLayersModel(ref, await tf.loadLayersModel(modelLoader(zooModelPath(ref))));
  }
  const file = resolve(ref.path);
  if (!existsSync(file)) throw new UserError(`model file ${ref.path} does not exist (expected a tfjs LayersModel model.json)`);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(modelLoader(file));
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot load ${ref.path} as a tfjs LayersModel: ${error instanceof Error ? error.message : String(error)}`);
  }
  return wrapLayersModel(ref.path, model);
}

/** Computes every neuron layer's values and the logits in one pass. */
interface NeuronProbe {
  neurons(input: tf.Tensor): { logits: tf.Tensor2D; values: tf.Tensor2D[] };
}

function neuronProbe(logitsModel: tf.LayersModel, sources: readonly tf.layers.Layer[]): NeuronProbe {
  const logitsOutput = logitsModel.outputs[0];
  const outputs = sources.map((layer) => layer.output as tf.SymbolicTensor);
  // The last neuron layer usually is the logits layer: ask for that tensor once.
  let logitsIndex = outputs.indexOf(logitsOutput);
  if (logitsIndex < 0) logitsIndex = outputs.push(logitsOutput) - 1;
  let model: tf.LayersModel | undefined;
  return {
    neurons(input) {
      model ??= tf.model({ inputs: logitsModel.inputs, outputs });
      const applied = model.apply(input, { training: false });
      const all = Array.isArray(applied) ? applied : [applied as tf.Tensor];
      const values = all.slice(0, sources.length).map((output) => unitMeans(output as tf.Tensor));
      return { logits: all[logitsIndex] as tf.Tensor2D, values };
    },
  };
}

/** [batch, units] as is; a feature map [batch, …spatial, channels] averaged over its spatial axes. */
function unitMeans(output: tf.Tensor): tf.Tensor2D {
  if (output.rank === 2) return output as tf.Tensor2D;
  const [batch, ...rest] = output.shape;
  const units = rest[rest.length - 1];
  return output.reshape([batch, -1, units]).mean(1) as tf.Tensor2D;
}

/** Per neuron layer, the terms' weights as a dense [count × units] matrix, or undefined when no term names the layer. */
function termWeights(neurons: readonly (readonly NeuronTerm[])[], layers: readonly NeuronLayer[]): (Float32Array | undefined)[] {
  const out: (Float32Array | undefined)[] = layers.map(() => undefined);
  neurons.forEach((terms, row) => {
    for (const term of terms) {
      const units = layers[term.layer].units;
      const weights = (out[term.layer] ??= new Float32Array(neurons.length * units));
      weights[row * units + term.unit] += term.weight;
    }
  });
  return out;
}

function describeNeurons(layer: tf.layers.Layer): NeuronLayer {
  const shape = layer.outputShape as (number | null)[];
  const units = shape[shape.length - 1] as number;
  const kernel = layer.getWeights()[0];
  const weightMeans = kernel === undefined ? new Array<number>(units).fill(0) : tf.tidy(() => Array.from(kernel.reshape([-1, units]).mean(0).dataSync()));
  return { name: layer.name, className: layer.getClassName(), units, weightMeans };
}

/**
 * Per-sample cross-entropy logSumExp(logits) − logit[label], with its gradient written out:
 * softmax(logits) − onehot(label). The tape's own gradient would also run backward through the max
 * that logSumExp subtracts for stability, whose two paths cancel; skipping them took an MLP's input
 * gradient (batch 1024) from 5.1–5.6 to 4.0–4.1 ms, the gradient changing by about 2e-7 of its scale.
 */
const crossEntropy = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [logits, labelMask, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([logits, labelMask]);
  return {
    value: tf.logSumExp(logits, 1).sub(logits.mul(labelMask).sum(1)),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [savedLogits, savedMask] = saved;
      return [tf.softmax(savedLogits).sub(savedMask).mul((dy as tf.Tensor).expandDims(1)), tf.zerosLike(savedMask)];
    },
  };
});

/**
 * Copies a float32 tensor's values into `out` at `offset`. On wasm straight from the backend's heap
 * (`data()` would first copy them into a new array, a 3 MB allocation per gradient of 1024 MNIST
 * images); elsewhere through `data()`.
 */
async function copyInto(t: tf.Tensor, out: Float32Array, offset: number): Promise<void> {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: tf.TensorInfo) => tf.TypedArray };
  if (t.dtype === 'float32' && tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function') {
    out.set(backend.typedArrayFromHeap(t) as Float32Array, offset);
    return;
  }
  out.set((await t.data()) as Float32Array, offset);
}

function lossPerSample(
  kind: 'cross-entropy' | 'margin',
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  targets: tf.Tensor1D | undefined,
  numClasses: number,
): tf.Tensor1D {
  const labelMask = tf.oneHot(labels, numClasses).cast('float32');
  if (kind === 'cross-entropy') return crossEntropy(logits, labelMask) as tf.Tensor1D;
  const labelLogit = logits.mul(labelMask).sum(1);
  if (targets !== undefined) return logits.mul(tf.oneHot(targets, numClasses).cast('float32')).sum(1).sub(labelLogit);
  const others = tf.where(labelMask.cast('bool'), tf.fill(logits.shape, -Infinity), logits);
  return others.max(1).sub(labelLogit);
}

function checkLoss(name: string, loss: LossSpec, batch: number, numClasses: number, neuronLayers: readonly NeuronLayer[]): void {
  if (loss.kind === 'objective') {
    if (loss.logitWeights.length !== batch * numClasses) {
      throw new RangeError(`model ${name}: ${loss.logitWeights.length} logit weights for a batch of ${batch} × ${numClasses} classes`);
    }
    if (loss.neurons.length !== batch) throw new RangeError(`model ${name}: ${loss.neurons.length} neuron term lists for a batch of ${batch}`);
    for (const term of loss.neurons.flat()) {
      const layer = neuronLayers[term.layer];
      if (layer === undefined || !Number.isInteger(term.unit) || term.unit < 0 || term.unit >= layer.units || !Number.isFinite(term.weight)) {
        throw new RangeError(`model ${name}: neuron term ${JSON.stringify(term)} names no neuron of its ${neuronLayers.length} neuron layers, or its weight is not finite`);
      }
    }
    return;
  }
  const check = (what: string, values: Int32Array): void => {
    if (values.length !== batch) throw new RangeError(`model ${name}: ${values.length} ${what} for a batch of ${batch}`);
    for (const v of values) {
      if (!(v >= 0 && v < numClasses)) throw new RangeError(`model ${name}: ${what} value ${v} is not a class in [0, ${numClasses})`);
    }
  };
  check('labels', loss.labels);
  if (loss.kind === 'margin' && loss.targets !== undefined) check('targets', loss.targets);
}

/** The model itself when it already ends in logits, else a model sharing every layer but the softmax. */
function withoutSoftmax(model: tf.LayersModel): tf.LayersModel {
  const last = model.layers[model.layers.length - 1];
  const config = last.getConfig();
  const className = last.getClassName();
  if (className === 'Softmax' || (className === 'Activation' && config.activation === 'softmax')) {
    return tf.model({ inputs: model.inputs, outputs: last.input as tf.SymbolicTensor });
  }
  if (config.activation !== 'softmax') return model;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) throw new Error(`cannot rebuild layer class ${className} without its softmax`);
  const [cls, fromConfig] = entry;
  const linear = fromConfig(cls, { ...config, name: `${String(config.name)}_logits`, activation: 'linear' }) as tf.layers.Layer;
  const outputs = linear.apply(last.input as tf.SymbolicTensor) as tf.SymbolicTensor;
  linear.setWeights(last.getWeights());
  return tf.model({ inputs: model.inputs, outputs });
}

function summarize(layer: tf.layers.Layer): LayerSummary {
  const config = layer.getConfig();
  const shape = layer.outputShape;
  const first = (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
  return {
    name: layer.name,
    className: layer.getClassName(),
    ...(typeof config.activation === 'string' ? { activation: config.activation } : {}),
    outputShape: first.slice(1).map((d) => d ?? -1),
    params: layer.countParams(),
  };
}

function concreteShape(shape: (number | null)[], what: string): number[] {
  if (shape.some((d) => d === null)) throw new UserError(`${what} has an unknown dimension in [${shape.join(', ')}] (expected a fixed shape)`);
  return shape as number[];
}
