// The features FID is computed on: the activations of the 'features' layer (the penultimate, 84 ReLU
// units) of the zoo model mnist-fid-lenet, which is trained for this and never the model under attack.
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../harness/engine/model-handle.js';
import { readZooManifest } from '../harness/zoo/manifest.js';

export const FID_EXTRACTOR = { model: 'mnist-fid-lenet', layer: 'features' } as const;

/** Images per forward pass: bounds peak memory whatever the number of adversarials. */
const CHUNK = 1024;

export interface FeatureExtractor {
  /** zoo name of the extractor */
  readonly model: string;
  /** the dataset it was trained on: its features mean nothing on another */
  readonly dataset: string;
  readonly inputSize: number;
  readonly dim: number;
  /** feature vectors, row after row, of a batch of flattened inputs */
  features(x: Float32Array): Promise<Float32Array>;
  dispose(): void;
}

export async function loadFeatureExtractor(): Promise<FeatureExtractor> {
  const handle = await loadModel(FID_EXTRACTOR.model);
  const source = handle.logitsModel;
  const output = source.getLayer(FID_EXTRACTOR.layer).output as tf.SymbolicTensor;
  const extractor = tf.model({ inputs: source.inputs, outputs: output });
  const dim = output.shape[output.shape.length - 1] as number;
  return {
    model: FID_EXTRACTOR.model,
    dataset: readZooManifest(FID_EXTRACTOR.model).dataset,
    inputSize: handle.inputSize,
    dim,
    async features(x) {
      const count = x.length / handle.inputSize;
      const out = new Float32Array(count * dim);
      for (let start = 0; start < count; start += CHUNK) {
        const n = Math.min(CHUNK, count - start);
        const features = tf.tidy(() =>
          extractor.predict(tf.tensor(x.subarray(start * handle.inputSize, (start + n) * handle.inputSize), [n, ...handle.inputShape])) as tf.Tensor,
        );
        try {
          out.set(await features.data(), start * dim);
        } finally {
          features.dispose();
        }
      }
      return out;
    },
    dispose: () => source.dispose(),
  };
}
