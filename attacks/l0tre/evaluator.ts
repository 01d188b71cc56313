// Where the logits of perturbed inputs come from. The plain way materialises every perturbed image
// and sends large batches through the model (counted by the harness like any query); the
// receptive-field evaluator (receptive-field.ts) gets the same numbers from cached activations.
import type { ModelHandle } from '../../harness/types.js';
import type { ChangeBatch } from './change-batch.js';

export type EvaluatorName = 'model' | 'receptive-field';

export interface LogitEvaluator {
  readonly name: EvaluatorName;
  /** logits, row-major [batch.size, numClasses], of each query's perturbed input */
  logits(batch: ChangeBatch): Promise<Float32Array>;
  /** frees what was cached for a sample whose search is over */
  release(slot: number): void;
}

/** Materialises each perturbed input and asks the model, in one call per batch. */
export function modelEvaluator(model: ModelHandle, originals: readonly Float32Array[]): LogitEvaluator {
  const size = model.inputSize;
  return {
    name: 'model',
    async logits(batch) {
      const images = new Float32Array(batch.size * size);
      for (let q = 0; q < batch.size; q++) {
        const image = images.subarray(q * size, (q + 1) * size);
        image.set(originals[batch.slots[q]]);
        for (let k = q * batch.width; k < (q + 1) * batch.width; k++) image[batch.pixels[k]] = batch.values[k];
      }
      return model.predict(images);
    },
    release: () => undefined,
  };
}
