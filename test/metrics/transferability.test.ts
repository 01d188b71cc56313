import { describe, expect, it } from '@jest/globals';
import { transferability } from '../../metrics/transferability.js';
import { linearModel } from '../helpers/linear-model.js';

// the other model: class 0 when x0 > x1
const other = linearModel({ weights: [[1, 0], [0, 1]], bias: [0, 0] });

describe('transferability', () => {
  it('is the share of adversarials the other model also misclassifies, in one batch (hand-computed: 2 of 3)', async () => {
    const cases = [
      { adversarial: Float32Array.from([0.2, 0.8]), label: 0 },
      { adversarial: Float32Array.from([0.9, 0.1]), label: 0 },
      { adversarial: Float32Array.from([0.9, 0.1]), label: 1 },
    ];
    other.calls.classify.length = 0;
    expect(await transferability(other, cases)).toBeCloseTo(2 / 3, 12);
    expect(other.calls.classify).toEqual([3]);
  });

  it('has nothing to say without adversarials', async () => {
    expect(await transferability(other, [])).toBeNull();
  });
});
