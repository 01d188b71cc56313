// Exact McNemar test on paired binary outcomes: of the b + c samples whose outcome flipped, under
// "no change" each flip goes either way with probability 1/2, so min(b, c) ~ Binomial(b + c, 1/2).

/** Two-sided p-value for b flips one way and c the other (1 when nothing flipped). */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`McNemar counts must be whole numbers >= 0, got ${b} and ${c}`);
  const n = b + c;
  if (n === 0) return 1;
  // in log space: 2^-n underflows past n = 1074
  let logPmf = -n * Math.LN2;
  let tail = 0;
  for (let k = 0; k <= Math.min(b, c); k++) {
    tail += Math.exp(logPmf);
    logPmf += Math.log(n - k) - Math.log(k + 1);
  }
  return Math.min(1, 2 * tail);
}
