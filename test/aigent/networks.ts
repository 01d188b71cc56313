// Hand-built ReLU networks for AIGENT's tests, as real tfjs models (so the harness validates claims
// with float32 re-prediction, as in a run) whose affine view is the exact weights given here.
import * as tf from '@tensorflow/tfjs';
import { wrapLayersModel, type LayersModelHandle } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';

export interface DenseSpec {
  /** one row of input weights per output neuron */
  weights: number[][];
  bias?: number[];
  relu: boolean;
}

export function denseNet(name: string, layers: DenseSpec[]): LayersModelHandle {
  const model = tf.sequential();
  layers.forEach((spec, k) => {
    const units = spec.weights.length;
    const inputs = spec.weights[0].length;
    model.add(tf.layers.dense({ units, activation: spec.relu ? 'relu' : 'linear', kernelInitializer: 'zeros', ...(k === 0 ? { inputShape: [inputs] } : {}) }));
    const kernel = tf.tensor2d(Array.from({ length: inputs }, (_, i) => spec.weights.map((row) => row[i])));
    model.layers[k].setWeights([kernel, tf.tensor1d(spec.bias ?? new Array<number>(units).fill(0))]);
  });
  return wrapLayersModel(name, model);
}

/**
 * The toy network of the AIGENT paper's Fig. 1, read off its equations (1)–(11): ⟨0.5, 0.5⟩ gives
 * ⟨1, 0.5⟩, ⟨3.5, 1.5⟩ and the logits ⟨−5, −6.5⟩.
 */
export function paperToyNet(): LayersModelHandle {
  return denseNet('aigent-fig1', [
    { weights: [[1, 1], [-1, 2]], relu: true },
    { weights: [[2, 3], [1, 1]], relu: true },
    { weights: [[2, -8], [-4, 5]], relu: false },
  ]);
}

/**
 * Goldberger et al.'s example (AIGENT's Fig. 3/4): hidden values ⟨0, 2⟩ and outputs ⟨−2, 2⟩ for the
 * input ⟨3, 4⟩, output layer [[1, −1], [−1, 1]]. The paper does not give the first layer; this one,
 * ReLU(x1 − x2) and ReLU(2·x1 − x2), gives those hidden values. `scale` divides the first layer's
 * input weights, for a copy that takes the input ⟨3, 4⟩ / scale (inside the pixel box).
 */
export function goldbergerNet(scale = 1): LayersModelHandle {
  return denseNet('goldberger-fig3', [
    { weights: [[scale, -scale], [2 * scale, -scale]], relu: true },
    { weights: [[1, -1], [-1, 1]], relu: false },
  ]);
}

/** A seeded random ReLU MLP: `sizes` = [inputs, hidden…, classes]. */
export function randomNet(seed: number, sizes: number[]): LayersModelHandle {
  const rng = createRng('aigent-test-net', seed);
  const layers: DenseSpec[] = [];
  for (let k = 1; k < sizes.length; k++) {
    const scale = Math.sqrt(2 / sizes[k - 1]);
    layers.push({
      weights: Array.from({ length: sizes[k] }, () => Array.from({ length: sizes[k - 1] }, () => rng.normal() * scale)),
      bias: Array.from({ length: sizes[k] }, () => rng.normal() * 0.1),
      relu: k < sizes.length - 1,
    });
  }
  return denseNet(`random-${seed}-${sizes.join('-')}`, layers);
}

/** Inputs in [0, 1], a third of the pixels black, like sparse digits. */
export function randomInputs(seed: number, count: number, size: number): Float32Array[] {
  const rng = createRng('aigent-test-inputs', seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: size }, () => (rng.next() < 0.33 ? 0 : Math.fround(rng.next()))));
}
