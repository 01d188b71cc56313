// Small tfjs ReLU networks with weights set by hand or drawn from a seed, as ModelHandles (with the
// piecewise-linear view), and samples the network classifies as their label.
import * as tf from '@tensorflow/tfjs';
import { wrapLayersModel, type LayersModelHandle } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';
import type { LabelledSample } from '../conformance/run-plugin.js';

export interface DenseSpec {
  /** rows = outputs, columns = inputs */
  weights: number[][];
  bias: number[];
  relu: boolean;
}

export function denseNet(name: string, layers: readonly DenseSpec[]): LayersModelHandle {
  const inputs = layers[0].weights[0].length;
  const model = tf.sequential();
  layers.forEach((layer, l) => {
    const units = layer.bias.length;
    model.add(tf.layers.dense({ units, activation: layer.relu ? 'relu' : 'linear', ...(l === 0 ? { inputShape: [inputs] } : {}) }));
    const columns = layer.weights[0].length;
    // tfjs kernels are [inputs, units]
    const kernel = Array.from({ length: columns }, (_, i) => layer.weights.map((row) => row[i]));
    model.layers[l].setWeights([tf.tensor2d(kernel), tf.tensor1d(layer.bias)]);
  });
  return wrapLayersModel(name, model);
}

/** A seeded random ReLU MLP: `sizes` = [inputs, hidden…, classes]. */
export function randomNet(seed: string, sizes: readonly number[]): LayersModelHandle {
  const rng = createRng('minimal-lp-net', seed);
  const layers = sizes.slice(1).map((units, l): DenseSpec => {
    const inputs = sizes[l];
    const scale = 2 / Math.sqrt(inputs);
    return {
      weights: Array.from({ length: units }, () => Array.from({ length: inputs }, () => scale * rng.normal())),
      bias: Array.from({ length: units }, () => 0.3 * rng.normal()),
      relu: l < sizes.length - 2,
    };
  });
  return denseNet(`random-${seed}`, layers);
}

/** Random inputs in [0,1], labelled as the model classifies them (so none is skipped). */
export async function labelledSamples(model: LayersModelHandle, seed: string, count: number): Promise<LabelledSample[]> {
  const rng = createRng('minimal-lp-samples', seed);
  const xs = Array.from({ length: count }, () => Float32Array.from({ length: model.inputSize }, () => rng.next()));
  const batch = new Float32Array(count * model.inputSize);
  xs.forEach((x, n) => batch.set(x, n * model.inputSize));
  const labels = await model.classify(batch);
  return xs.map((x, index) => ({ index, x, label: labels[index] }));
}
