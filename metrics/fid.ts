// Fréchet Inception Distance (Heusel et al. 2017): the Fréchet (2-Wasserstein) distance between two
// Gaussians fitted to feature vectors (Dowson & Landau 1982),
//   FID = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½).
// gauntlet's features come from its own extractor (fid-features.ts), not InceptionV3, so its values
// compare only with other gauntlet values from the same extractor.
import { covariance, EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface FeatureStatistics {
  mean: Float64Array;
  /** sample covariance (divided by n − 1, as numpy.cov and the reference implementations do) */
  covariance: Matrix;
}

/** Mean and covariance of `count` feature vectors of `dim` values each, stored row after row. */
export function featureStatistics(features: ArrayLike<number>, dim: number): FeatureStatistics {
  if (!Number.isInteger(dim) || dim < 1 || features.length % dim !== 0) {
    throw new RangeError(`featureStatistics: ${features.length} values are not whole vectors of ${dim}`);
  }
  const count = features.length / dim;
  if (count < 2) throw new RangeError(`featureStatistics: a covariance needs at least 2 vectors, got ${count}`);
  const rows = Array.from({ length: count }, (_, n) => Array.from({ length: dim }, (_, d) => features[n * dim + d]));
  const matrix = new Matrix(rows);
  return { mean: Float64Array.from(matrix.mean('column')), covariance: covariance(matrix) };
}

export function frechetDistance(a: FeatureStatistics, b: FeatureStatistics): number {
  if (a.mean.length !== b.mean.length) throw new RangeError(`frechetDistance: ${a.mean.length}-dimensional features against ${b.mean.length}`);
  let meanTerm = 0;
  for (let d = 0; d < a.mean.length; d++) meanTerm += (a.mean[d] - b.mean[d]) ** 2;
  const value = meanTerm + a.covariance.trace() + b.covariance.trace() - 2 * traceSqrtProduct(a.covariance, b.covariance);
  // a distance: a tiny negative is rounding in the eigenvalues, not information
  return Math.max(0, value);
}

/**
 * Tr((Σ₁Σ₂)^½) through a symmetric problem: Σ₁Σ₂ is similar to S Σ₂ S with S = Σ₁^½, which is
 * symmetric positive semi-definite, so its square root's trace is the sum of the square roots of its
 * eigenvalues. This avoids the non-symmetric square root (scipy.linalg.sqrtm) and its complex parts.
 */
function traceSqrtProduct(a: Matrix, b: Matrix): number {
  const root = symmetricSqrt(a);
  const middle = root.mmul(b).mmul(root);
  const symmetric = middle.add(middle.transpose()).div(2);
  return new EigenvalueDecomposition(symmetric, { assumeSymmetric: true }).realEigenvalues.reduce((sum, lambda) => sum + Math.sqrt(Math.max(0, lambda)), 0);
}

/** Σ^½ = V diag(√λ) Vᵀ; eigenvalues a rounding error below 0 are taken as 0 (Σ is PSD). */
export function symmetricSqrt(matrix: Matrix): Matrix {
  const evd = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
  const vectors = evd.eigenvectorMatrix;
  const roots = Matrix.diag(evd.realEigenvalues.map((lambda) => Math.sqrt(Math.max(0, lambda))));
  return vectors.mmul(roots).mmul(vectors.transpose());
}

/** FID between two sets of feature vectors (each at least 2 vectors of `dim` values, row after row). */
export function fid(reference: ArrayLike<number>, candidate: ArrayLike<number>, dim: number): number {
  return frechetDistance(featureStatistics(reference, dim), featureStatistics(candidate, dim));
}
