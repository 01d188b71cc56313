// Every grid point of every t-pixel subspace of an input, in a fixed order: subspaces in
// lexicographic order of their pixels, and within one, every assignment of values that change each
// of its t pixels (a value a pixel already has would make it a change of fewer pixels).
import { isChange } from './grid.js';

export interface GridPoint {
  /** index of the subspace in lexicographic order */
  subspace: number;
  /** its t pixels, ascending (a buffer reused from point to point: copy to keep) */
  pixels: Int32Array;
  /** the values of this point (reused likewise) */
  values: Float32Array;
  /** the subspace's last point */
  last: boolean;
}

export function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

export function* gridPoints(x: Float32Array, grid: Float32Array, t: number): Generator<GridPoint> {
  const n = x.length;
  const choices = Array.from(x, (v) => grid.filter((g) => isChange(v, g)));
  const count = binomial(n, t);
  const pixels = Int32Array.from({ length: t }, (_, k) => k);
  const digits = new Int32Array(t);
  const values = new Float32Array(t);
  const point: GridPoint = { subspace: 0, pixels, values, last: false };
  for (let subspace = 0; subspace < count; subspace++) {
    point.subspace = subspace;
    digits.fill(0);
    for (;;) {
      for (let k = 0; k < t; k++) values[k] = choices[pixels[k]][digits[k]];
      let k = t - 1;
      while (k >= 0 && ++digits[k] === choices[pixels[k]].length) digits[k--] = 0;
      point.last = k < 0;
      yield point;
      if (point.last) break;
    }
    nextCombination(pixels, n);
  }
}

/** The next t-combination of 0..n-1 in lexicographic order (after the last one it is left as is). */
function nextCombination(c: Int32Array, n: number): void {
  const t = c.length;
  let i = t - 1;
  while (i >= 0 && c[i] === n - t + i) i--;
  if (i < 0) return;
  c[i]++;
  for (let j = i + 1; j < t; j++) c[j] = c[j - 1] + 1;
}
