import { describe, expect, it } from '@jest/globals';
import { pielou, pielouClassColumns } from '../../metrics/pielou.js';

describe('pielou per-class columns', () => {
  it('give the counts behind J, one column per class of the task, zeros included', () => {
    // labels 0, 0, 1, 2 of 4 classes: J = 1.5 ln 2 / ln 4 = 0.75
    const score = pielou([0, 0, 1, 2], 4);
    expect(score.evenness).toBeCloseTo(0.75, 12);
    expect(pielouClassColumns(score)).toEqual({ adv_class_0: 2, adv_class_1: 1, adv_class_2: 1, adv_class_3: 0 });
  });

  it('tell apart two attacks with the same J that push into different classes', () => {
    const a = pielou([1, 1, 1], 3);
    const b = pielou([2, 2, 2], 3);
    expect(a.evenness).toBe(b.evenness);
    expect(pielouClassColumns(a)).not.toEqual(pielouClassColumns(b));
  });
});
