import { describe, expect, it } from '@jest/globals';
import { distances } from '../../metrics/distances.js';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

describe('distances', () => {
  it('gives the hand-computed norms of a 3-4-0 change', () => {
    // changes (0.3, −0.4, 0, 0): l1 0.7, l2 0.5, linf 0.4, two elements changed
    const d = distances(f32([0.1, 0.5, 0.2, 1]), f32([0.4, 0.1, 0.2, 1]));
    expect(d.l0).toBe(2);
    expect(d.l1).toBeCloseTo(0.7, 6);
    expect(d.l2).toBeCloseTo(0.5, 6);
    expect(d.linf).toBeCloseTo(0.4, 6);
  });

  it('is zero for identical inputs', () => {
    const x = f32([0, 0.25, 1]);
    expect(distances(x, x.slice())).toEqual({ l0: 0, l1: 0, l2: 0, linf: 0 });
  });

  it('counts a change towards l0 only above 1e-6', () => {
    const d = distances(f32([0.5, 0.5, 0.5]), f32([0.5 + 5e-7, 0.5 + 2e-6, 0.5]));
    expect(d.l0).toBe(1);
    expect(d.linf).toBeGreaterThan(1e-6);
  });

  it('rejects inputs of different lengths', () => {
    expect(() => distances(f32([0, 1]), f32([0]))).toThrow(/2 elements.*1/);
  });
});
