import { describe, expect, it } from '@jest/globals';
import { Matrix } from 'ml-matrix';
import { featureStatistics, fid, frechetDistance, symmetricSqrt, type FeatureStatistics } from '../../metrics/fid.js';

const stats = (mean: number[], covariance: number[][]): FeatureStatistics => ({ mean: Float64Array.from(mean), covariance: new Matrix(covariance) });

function rotated(angle: number, diagonal: number[]): number[][] {
  const q = new Matrix([[Math.cos(angle), -Math.sin(angle)], [Math.sin(angle), Math.cos(angle)]]);
  return q.mmul(Matrix.diag(diagonal)).mmul(q.transpose()).to2DArray();
}

describe('Fréchet distance', () => {
  it('matches the closed form for diagonal covariances: ‖Δμ‖² + Σ (√a_i − √b_i)²', () => {
    // 1 + 4 + (2 − 1)² + (3 − 1)² = 10
    expect(frechetDistance(stats([1, 2], [[4, 0], [0, 9]]), stats([0, 0], [[1, 0], [0, 1]]))).toBeCloseTo(10, 10);
  });

  it('matches the closed form for commuting covariances (a shared rotated eigenbasis)', () => {
    // eigenvalues (4, 1) against (9, 16) in the same basis: (2 − 3)² + (1 − 4)² = 10
    const a = stats([0.5, -1], rotated(Math.PI / 6, [4, 1]));
    const b = stats([0.5, -1], rotated(Math.PI / 6, [9, 16]));
    expect(frechetDistance(a, b)).toBeCloseTo(10, 10);
  });

  it('matches the 2×2 closed form for non-commuting covariances: Tr √M = √(Tr M + 2 √det M)', () => {
    // Σ₁Σ₂ = [[2, 3], [1, 6]]: trace 8, det 9, so Tr (Σ₁Σ₂)^½ = √14 and FID = 4 + 4 − 2√14
    const a = stats([0, 0], [[2, 1], [1, 2]]);
    const b = stats([0, 0], [[1, 0], [0, 3]]);
    expect(frechetDistance(a, b)).toBeCloseTo(8 - 2 * Math.sqrt(14), 10);
    expect(frechetDistance(b, a)).toBeCloseTo(8 - 2 * Math.sqrt(14), 10);
  });

  it('is 0 between a distribution and itself, and positive otherwise', () => {
    const a = stats([1, 2, 3], [[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 3]]);
    expect(frechetDistance(a, a)).toBeCloseTo(0, 9);
    expect(frechetDistance(a, stats([1, 2, 3.1], [[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 3]]))).toBeCloseTo(0.01, 9);
  });

  it('takes square roots of PSD matrices through ml-matrix that square back', () => {
    const m = new Matrix([[4, 1, 0], [1, 3, 1], [0, 1, 2]]);
    const root = symmetricSqrt(m);
    const back = root.mmul(root).to2DArray();
    m.to2DArray().forEach((row, i) => row.forEach((v, j) => expect(back[i][j]).toBeCloseTo(v, 10)));
  });
});

describe('feature statistics and FID from feature vectors', () => {
  it('computes the mean and the (n − 1) covariance of hand-computed points', () => {
    // corners of a 2×2 square: mean (1, 1), variances 4/3, no correlation
    const s = featureStatistics([0, 0, 2, 0, 0, 2, 2, 2], 2);
    expect(Array.from(s.mean)).toEqual([1, 1]);
    expect(s.covariance.to2DArray()).toEqual([[4 / 3, 0], [0, 4 / 3]]);
  });

  it('between a set and its shift by (3, 4) is the squared shift, 25', () => {
    const points = [0, 0, 2, 0, 0, 2, 2, 2, 1, 5];
    const shifted = points.map((v, i) => v + (i % 2 === 0 ? 3 : 4));
    expect(fid(points, shifted, 2)).toBeCloseTo(25, 9);
  });

  it('between a set and the same set scaled by 2 about its mean is Σ (√(4σ²) − √σ²)² = Tr Σ', () => {
    const points = [0, 0, 2, 0, 0, 2, 2, 2];
    const scaled = points.map((v) => 1 + 2 * (v - 1));
    expect(fid(points, scaled, 2)).toBeCloseTo(8 / 3, 9);
  });

  it('refuses fewer than two vectors and ragged input', () => {
    expect(() => featureStatistics([1, 2], 2)).toThrow(/at least 2 vectors, got 1/);
    expect(() => featureStatistics([1, 2, 3], 2)).toThrow(/not whole vectors of 2/);
  });
});
