// Where the logits of perturbed inputs come from. The plain way materialises every perturbed image
// and sends large batches through the model (counted by the harness like any query); the
// receptive-field evaluator (receptive-field.ts) gets the same numbers from cached activations.
import type { ModelHandle } from '../../harness/types.js';
import type { ChangeBatch } from './change-batch.js';

export type EvaluatorName = 'model' | 'receptive-field';

export interface EvaluatedBatch {
  /** logits, row-major [batch.size, numClasses], of each query's perturbed input */
  logits: Float32Array;
  /** per query, 1 when it was answered by replay, not by the model (the evaluator reports those to the harness) */
  replayed: Uint8Array;
}

export interface LogitEvaluator {
  readonly name: EvaluatorName;
  evaluate(batch: ChangeBatch): Promise<EvaluatedBatch>;
  /** frees what was cached for a sample whose search is over */
  release(slot: number): void;
}

/** Materialises each perturbed input and asks the model, in one call per batch. */
export function modelEvaluator(model: ModelHandle, originals: readonly Float32Array[]): LogitEvaluator {
  const size = model.inputSize;
  return {
    name: 'model',
    async evaluate(batch) {
      const images = new Float32Array(batch.size * size);
      for (let q = 0; q < batch.size; q++) {
        const image = images.subarray(q * size, (q + 1) * size);
        image.set(originals[batch.slots[q]]);
        for (let k = q * batch.width; k < (q + 1) * batch.width; k++) image[batch.pixels[k]] = batch.values[k];
      }
      return { logits: await model.predict(images), replayed: new Uint8Array(batch.size) };
    },
    release: () => undefined,
  };
}
