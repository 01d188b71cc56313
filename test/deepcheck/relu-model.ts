// Small ReLU networks with weights written by hand, as real tfjs models behind a ModelHandle, so the
// harness's float32 re-check runs exactly as it would on a zoo model.
import * as tf from '@tensorflow/tfjs';
import { wrapLayersModel, type LayersModelHandle } from '../../harness/engine/model-handle.js';

export interface DenseSpec {
  /** one row of input weights per unit */
  weights: number[][];
  bias: number[];
  relu: boolean;
}

export function reluModel(inputShape: number[], layers: DenseSpec[]): LayersModelHandle {
  const model = tf.sequential();
  // Flatten needs a rank of at least 2 per sample; a vector input goes straight into the first Dense
  const flat = inputShape.length === 1;
  if (!flat) model.add(tf.layers.flatten({ inputShape }));
  layers.forEach((spec, i) => {
    const first = flat && i === 0 ? { inputShape } : {};
    model.add(tf.layers.dense({ ...first, units: spec.bias.length, activation: spec.relu ? 'relu' : 'linear' }));
  });
  const dense = model.layers.filter((layer) => layer.getClassName() === 'Dense');
  layers.forEach((spec, i) => dense[i].setWeights([tf.tensor2d(spec.weights).transpose(), tf.tensor1d(spec.bias)]));
  return wrapLayersModel('hand-built', model);
}
