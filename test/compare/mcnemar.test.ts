import { describe, expect, it } from '@jest/globals';
import { mcnemarExact } from '../../harness/compare/mcnemar.js';

describe('exact McNemar test', () => {
  it('matches hand-computed binomial tails', () => {
    // b = 1, c = 6: n = 7, P(X <= 1) = (C(7,0) + C(7,1)) / 2^7 = 8/128, two-sided 16/128
    expect(mcnemarExact(1, 6)).toBeCloseTo(0.125, 15);
    expect(mcnemarExact(6, 1)).toBeCloseTo(0.125, 15);
    // b = 0, c = 5: 2 · 1/32
    expect(mcnemarExact(0, 5)).toBeCloseTo(0.0625, 15);
    // b = 2, c = 8: n = 10, (1 + 10 + 45)/1024 = 56/1024, two-sided 112/1024
    expect(mcnemarExact(2, 8)).toBeCloseTo(0.109375, 15);
    // b = 1, c = 9: 2 · 11/1024
    expect(mcnemarExact(1, 9)).toBeCloseTo(0.021484375, 15);
  });

  it('is 1 when nothing flipped or the flips balance, and stays finite for large counts', () => {
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(3, 3)).toBe(1);
    expect(mcnemarExact(600, 600)).toBe(1);
    // 2000 flips: 2^-2000 underflows a double, the log-space sum does not
    const p = mcnemarExact(950, 1050);
    expect(p).toBeGreaterThan(0.02);
    expect(p).toBeLessThan(0.04);
    expect(mcnemarExact(0, 1200)).toBe(0);
  });

  it('rejects counts that are not whole numbers >= 0', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });
});
