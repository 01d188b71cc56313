// The zoo: one definition per model, with the training recipe that meets its accuracy target.
// Every model maps 28×28×1 images in [0, 1] to linear logits; every layer's initializer is seeded
// so a (name, seed) pair always builds the same starting weights.
//
// The LeNets follow DeepXplore's MNIST models (peikexin9/deepxplore, MNIST/Model1–3.py): 5×5 'same'
// convolutions with ReLU, 2×2 max pooling, layer names kept, the final softmax dropped.
// mnist-cnn-l0tre is the Keras MNIST CNN that L0-TRE evaluates, without its dropout.
// mnist-fid-lenet exists only to give FID its features (metrics/fid-features.ts reads its layer
// 'features'); mnist-mlp-30x5-adv is mnist-mlp-30x5 hardened by PGD training, the model
// transferability is measured on (metrics/transferability.ts).
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../config/experiment.js';
import { createRng } from '../rng.js';

/** L∞ PGD with a uniform random start in the ε-ball (Madry et al. 2018), on cross-entropy. */
export interface PgdSettings {
  epsilon: number;
  steps: number;
  stepSize: number;
}

export interface ZooDefinition {
  description: string;
  dataset: DatasetName;
  /** minimum test accuracy (fraction) the trained model must reach */
  targetAccuracy: number;
  epochs: number;
  /**
   * Rough seconds of one epoch on one wasm core: `gauntlet train` starts the longest models first
   * and falls back on this guess when no earlier manifest holds a measured time.
   */
  epochSeconds: number;
  batchSize: number;
  learningRate: number;
  build(seed: number): tf.Sequential;
  /**
   * Adversarial training: every batch is joined by its PGD examples against the current weights
   * (`train`), and the trained model is scored against a stronger PGD (`evaluate`) on the test split.
   */
  adversarial?: { train: PgdSettings; evaluate: PgdSettings };
}

const INPUT_SHAPE = [28, 28, 1];

/** Seeds per layer, so inserting a layer does not shift the others' initial weights. */
function initializers(seed: number, model: string, layer: string, relu: boolean) {
  const layerSeed = createRng('zoo-init', model, layer, seed).int(2 ** 31);
  return {
    kernelInitializer: relu ? tf.initializers.heNormal({ seed: layerSeed }) : tf.initializers.glorotUniform({ seed: layerSeed }),
    biasInitializer: tf.initializers.zeros(),
  };
}

type LayerSpec =
  | { kind: 'flatten'; name: string }
  | { kind: 'dense'; name: string; units: number; relu: boolean }
  | { kind: 'conv'; name: string; filters: number; size: number; padding: 'same' | 'valid' }
  | { kind: 'pool'; name: string };

function sequential(model: string, seed: number, specs: LayerSpec[]): tf.Sequential {
  const net = tf.sequential({ name: model });
  specs.forEach((spec, i) => {
    const first = i === 0 ? { inputShape: INPUT_SHAPE } : {};
    switch (spec.kind) {
      case 'flatten':
        net.add(tf.layers.flatten({ ...first, name: spec.name }));
        break;
      case 'dense':
        net.add(tf.layers.dense({ ...first, name: spec.name, units: spec.units, activation: spec.relu ? 'relu' : 'linear', ...initializers(seed, model, spec.name, spec.relu) }));
        break;
      case 'conv':
        net.add(tf.layers.conv2d({ ...first, name: spec.name, filters: spec.filters, kernelSize: spec.size, padding: spec.padding, activation: 'relu', ...initializers(seed, model, spec.name, true) }));
        break;
      case 'pool':
        net.add(tf.layers.maxPooling2d({ ...first, name: spec.name, poolSize: 2 }));
        break;
    }
  });
  return net;
}

const dense = (name: string, units: number): LayerSpec => ({ kind: 'dense', name, units, relu: true });
const logits: LayerSpec = { kind: 'dense', name: 'logits', units: 10, relu: false };
const flatten: LayerSpec = { kind: 'flatten', name: 'flatten' };
const lenetConvs: LayerSpec[] = [
  { kind: 'conv', name: 'block1_conv1', filters: 6, size: 5, padding: 'same' },
  { kind: 'pool', name: 'block1_pool1' },
  { kind: 'conv', name: 'block2_conv1', filters: 16, size: 5, padding: 'same' },
  { kind: 'pool', name: 'block2_pool1' },
  flatten,
];

export const ZOO: Readonly<Record<string, ZooDefinition>> = {
  'mnist-mlp-10-10-10': {
    description: 'MLP 784-10-10-10-10, ReLU (tiny; for exact solvers)',
    dataset: 'mnist',
    targetAccuracy: 0.9,
    epochs: 20,
    epochSeconds: 4,
    batchSize: 64,
    learningRate: 2e-3,
    build: (seed) => sequential('mnist-mlp-10-10-10', seed, [flatten, dense('dense1', 10), dense('dense2', 10), dense('dense3', 10), logits]),
  },
  'mnist-mlp-60-30': {
    description: 'MLP 784-60-30-10, ReLU',
    dataset: 'mnist',
    targetAccuracy: 0.96,
    epochs: 15,
    epochSeconds: 4,
    batchSize: 64,
    learningRate: 1e-3,
    build: (seed) => sequential('mnist-mlp-60-30', seed, [flatten, dense('dense1', 60), dense('dense2', 30), logits]),
  },
  'mnist-mlp-30x5': {
    description: 'MLP 784-30-30-30-30-30-10, ReLU',
    dataset: 'mnist',
    targetAccuracy: 0.95,
    epochs: 20,
    epochSeconds: 6,
    batchSize: 64,
    learningRate: 1e-3,
    build: (seed) => sequential('mnist-mlp-30x5', seed, [flatten, ...[1, 2, 3, 4, 5].map((i) => dense(`dense${i}`, 30)), logits]),
  },
  'mnist-lenet1': {
    description: "LeNet-1 (DeepXplore's MNIST Model1): conv5x5x4, pool, conv5x5x12, pool, dense 10",
    dataset: 'mnist',
    targetAccuracy: 0.97,
    epochs: 10,
    epochSeconds: 20,
    batchSize: 128,
    learningRate: 2e-3,
    build: (seed) => sequential('mnist-lenet1', seed, [
      { kind: 'conv', name: 'block1_conv1', filters: 4, size: 5, padding: 'same' },
      { kind: 'pool', name: 'block1_pool1' },
      { kind: 'conv', name: 'block2_conv1', filters: 12, size: 5, padding: 'same' },
      { kind: 'pool', name: 'block2_pool1' },
      flatten,
      logits,
    ]),
  },
  'mnist-lenet4': {
    description: "LeNet-4 (DeepXplore's MNIST Model2): conv5x5x6, pool, conv5x5x16, pool, dense 84, dense 10",
    dataset: 'mnist',
    targetAccuracy: 0.97,
    epochs: 8,
    epochSeconds: 30,
    batchSize: 128,
    learningRate: 1e-3,
    build: (seed) => sequential('mnist-lenet4', seed, [...lenetConvs, dense('fc1', 84), logits]),
  },
  'mnist-lenet5': {
    description: "LeNet-5 (DeepXplore's MNIST Model3): conv5x5x6, pool, conv5x5x16, pool, dense 120, dense 84, dense 10",
    dataset: 'mnist',
    targetAccuracy: 0.97,
    epochs: 8,
    epochSeconds: 30,
    batchSize: 128,
    learningRate: 1e-3,
    build: (seed) => sequential('mnist-lenet5', seed, [...lenetConvs, dense('fc1', 120), dense('fc2', 84), logits]),
  },
  'mnist-cnn-l0tre': {
    description: 'Keras MNIST CNN as in L0-TRE: conv3x3x32, conv3x3x64, pool, dense 128, dense 10',
    dataset: 'mnist',
    targetAccuracy: 0.98,
    epochs: 3,
    epochSeconds: 400,
    batchSize: 128,
    learningRate: 1e-3,
    build: (seed) => sequential('mnist-cnn-l0tre', seed, [
      { kind: 'conv', name: 'conv1', filters: 32, size: 3, padding: 'valid' },
      { kind: 'conv', name: 'conv2', filters: 64, size: 3, padding: 'valid' },
      { kind: 'pool', name: 'pool1' },
      flatten,
      dense('dense1', 128),
      logits,
    ]),
  },
  'mnist-fid-lenet': {
    description: 'LeNet-5-like FID feature extractor: conv5x5x6, pool, conv5x5x16, pool, dense 120, dense 84 (features), dense 10',
    dataset: 'mnist',
    targetAccuracy: 0.98,
    epochs: 5,
    epochSeconds: 30,
    batchSize: 128,
    learningRate: 1e-3,
    build: (seed) => sequential('mnist-fid-lenet', seed, [...lenetConvs, dense('fc1', 120), dense('features', 84), logits]),
  },
  'mnist-mlp-30x5-adv': {
    description: 'MLP 784-30-30-30-30-30-10, ReLU, PGD-trained: half clean, half PGD loss (Linf 0.1, 5 steps of 0.03 from a random start)',
    dataset: 'mnist',
    targetAccuracy: 0.94,
    epochs: 8,
    epochSeconds: 100,
    batchSize: 128,
    learningRate: 2e-3,
    build: (seed) => sequential('mnist-mlp-30x5-adv', seed, [flatten, ...[1, 2, 3, 4, 5].map((i) => dense(`dense${i}`, 30)), logits]),
    adversarial: {
      train: { epsilon: 0.1, steps: 5, stepSize: 0.03 },
      evaluate: { epsilon: 0.1, steps: 40, stepSize: 0.01 },
    },
  },
};

export const ZOO_NAMES = Object.keys(ZOO);
