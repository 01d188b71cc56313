// Small seeded tfjs networks on 6×6 images, cheap enough for exhaustive 1- and 2-pixel grid search,
// and images that spread over the three answers that matter (R = 1, R = 2, R > 2).
import * as tf from '@tensorflow/tfjs';
import { wrapLayersModel, type LayersModelHandle } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';
import type { LabelledSample } from '../conformance/run-plugin.js';

export const SIDE = 6;

const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const bias = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.1 });

/** conv 3×3 valid (4) + ReLU, conv 2×2 same (3) + ReLU, max-pool 2, dense 8 + ReLU, dense 3 logits. */
export function tinyCnn(seed: number): LayersModelHandle {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [SIDE, SIDE, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(seed), biasInitializer: bias(seed + 1) }),
      tf.layers.conv2d({ filters: 3, kernelSize: 2, padding: 'same', activation: 'relu', kernelInitializer: init(seed + 2), biasInitializer: bias(seed + 3) }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init(seed + 4), biasInitializer: bias(seed + 5) }),
      tf.layers.dense({ units: 3, kernelInitializer: init(seed + 6), biasInitializer: bias(seed + 7) }),
    ],
  });
  return wrapLayersModel(`tiny-cnn-${seed}`, model);
}

/** flatten, dense 10 + ReLU, dense 3 logits. */
export function tinyMlp(seed: number): LayersModelHandle {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [SIDE, SIDE, 1] }),
      tf.layers.dense({ units: 10, activation: 'relu', kernelInitializer: init(seed), biasInitializer: bias(seed + 1) }),
      tf.layers.dense({ units: 3, kernelInitializer: init(seed + 2), biasInitializer: bias(seed + 3) }),
    ],
  });
  return wrapLayersModel(`tiny-mlp-${seed}`, model);
}

/** Images like sparse digits: mostly 0, some 1, some grey; each labelled with the model's own prediction. */
export async function tinyImages(model: LayersModelHandle, count: number, seed: number): Promise<LabelledSample[]> {
  const rng = createRng('l0tre-tiny-images', seed);
  const xs = Array.from({ length: count }, () =>
    Float32Array.from({ length: SIDE * SIDE }, () => {
      const r = rng.next();
      return r < 0.55 ? 0 : r < 0.75 ? 1 : rng.next();
    }),
  );
  const batch = new Float32Array(count * SIDE * SIDE);
  xs.forEach((x, n) => batch.set(x, n * SIDE * SIDE));
  const labels = await model.classify(batch);
  return xs.map((x, index) => ({ index, x, label: labels[index] }));
}
