import { describe, expect, it } from '@jest/globals';
import { pielou } from '../../metrics/pielou.js';

describe('pielou', () => {
  it('is 1 when the adversarials are spread evenly over all classes', () => {
    const score = pielou([0, 1, 2, 3, 0, 1, 2, 3], 4);
    expect(score.evenness).toBeCloseTo(1, 12);
    expect(score.counts).toEqual([2, 2, 2, 2]);
    expect(score.total).toBe(8);
  });

  it('is 0 when every adversarial lands in one class', () => {
    expect(pielou([7, 7, 7], 10)).toEqual({ evenness: 0, counts: [0, 0, 0, 0, 0, 0, 0, 3, 0, 0], total: 3 });
  });

  it('divides by ln of the task\'s classes, not of the classes that occur', () => {
    // two classes hit equally often out of ten: H = ln 2, J = ln 2 / ln 10
    expect(pielou([3, 5], 10).evenness).toBeCloseTo(Math.log(2) / Math.log(10), 12);
  });

  it('matches a hand-computed uneven distribution', () => {
    // p = (1/2, 1/4, 1/4): H = 1.5 ln 2, S = 3
    expect(pielou(Int32Array.from([0, 0, 1, 2]), 3).evenness).toBeCloseTo((1.5 * Math.log(2)) / Math.log(3), 12);
  });

  it('is null with no adversarials and 0 with a single one', () => {
    expect(pielou([], 10)).toEqual({ evenness: null, counts: new Array(10).fill(0), total: 0 });
    expect(pielou([4], 10).evenness).toBe(0);
  });

  it('rejects labels outside the classes and tasks of fewer than 2 classes', () => {
    expect(() => pielou([10], 10)).toThrow(/label 10 at position 0/);
    expect(() => pielou([0.5], 10)).toThrow(/label 0.5/);
    expect(() => pielou([0], 1)).toThrow(/at least 2 classes/);
  });
});
