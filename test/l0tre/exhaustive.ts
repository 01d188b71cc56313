// The independent answer the bounds are checked against: every change of one or two pixels onto the
// grid, materialised and classified by the model, with no code shared with the plugin.
import type { ModelHandle } from '../../harness/types.js';
import type { LabelledSample } from '../conformance/run-plugin.js';

/** The smallest number of pixels (1 or 2) whose change onto the grid changes the label, or 3 when none of ≤ 2 does. */
export async function smallestFlip(model: ModelHandle, sample: LabelledSample, grid: readonly number[]): Promise<1 | 2 | 3> {
  const n = sample.x.length;
  const singles: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    for (const v of grid) {
      if (v === sample.x[i]) continue;
      const x = sample.x.slice();
      x[i] = v;
      singles.push(x);
    }
  }
  if (await anyFlips(model, singles, sample.label)) return 1;
  const pairs: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (const v of grid) {
        for (const w of grid) {
          if (v === sample.x[i] || w === sample.x[j]) continue;
          const x = sample.x.slice();
          x[i] = v;
          x[j] = w;
          pairs.push(x);
        }
      }
    }
  }
  return (await anyFlips(model, pairs, sample.label)) ? 2 : 3;
}

async function anyFlips(model: ModelHandle, inputs: Float32Array[], label: number): Promise<boolean> {
  const batch = new Float32Array(inputs.length * model.inputSize);
  inputs.forEach((x, k) => batch.set(x, k * model.inputSize));
  const predictions = await model.classify(batch);
  return predictions.some((p) => p !== label);
}
