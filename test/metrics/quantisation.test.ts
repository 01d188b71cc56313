import { describe, expect, it } from '@jest/globals';
import { LEVELS, quantisationSurvival, quantise } from '../../metrics/quantisation.js';
import { linearModel } from '../helpers/linear-model.js';

// z_c = x_c: the class of an input is its largest of the first three values (the first on ties)
const model = linearModel({ weights: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], bias: [0, 0, 0] });

describe('quantisation survival', () => {
  it('rounds to k/255, leaves 8-bit values alone and moves nothing by more than half a level', () => {
    const x = Float32Array.from([0, 1, 0.5, 0.502, 127 / 255, 0.3]);
    const q = quantise(x);
    expect(Array.from(q)).toEqual([0, 1, 128 / 255, 128 / 255, 127 / 255, 77 / 255].map(Math.fround));
    expect(Array.from(quantise(q))).toEqual(Array.from(q));
    x.forEach((v, i) => expect(Math.abs(q[i] - v)).toBeLessThanOrEqual(0.5 / LEVELS + 1e-7));
  });

  it('counts the adversarials still adversarial, and still at their target, after rounding (hand-computed: 2 of 4)', async () => {
    const cases = [
      // 0.5 → 128/255 and 0.502 → 128/255: a tie, which class 0 wins: lost
      { adversarial: Float32Array.from([0.5, 0.502, 0.1]), label: 0, target: null },
      { adversarial: Float32Array.from([0.2, 0.8, 0.1]), label: 0, target: null },
      // 0.4 and 0.401 both round to 102/255: class 1 wins the tie, still adversarial but off its target: lost
      { adversarial: Float32Array.from([0.3, 0.4, 0.401]), label: 0, target: 2 },
      { adversarial: Float32Array.from([0.1, 0.2, 0.9]), label: 0, target: 2 },
    ];
    model.calls.classify.length = 0;
    expect(await quantisationSurvival(model, cases)).toBe(0.5);
    expect(model.calls.classify).toEqual([4]);
  });

  it('has nothing to say without adversarials', async () => {
    expect(await quantisationSurvival(model, [])).toBeNull();
  });
});
