// The one exact primitive the exact engine needs: the sign of a sum of products of doubles. Floating
// point decides it whenever the rounded sum is farther from zero than its error bound can reach (almost
// always); only near-ties are recomputed in BigInt, where nothing rounds.
import { toDyadic } from './dyadic.js';

export type Sign = -1 | 0 | 1;

const UNIT_ROUNDOFF = 2 ** -53;
/** Below this, products may have lost bits to underflow and the error bound no longer holds. */
const TINY = 2 ** -900;

/** sign(Σ_k Π_i terms[k][i]), exactly. */
export function signOfSum(terms: readonly (readonly number[])[]): Sign {
  let sum = 0;
  let magnitude = 0;
  let factors = 0;
  for (const term of terms) {
    let product = 1;
    for (const f of term) product *= f;
    sum += product;
    magnitude += Math.abs(product);
    factors = Math.max(factors, term.length);
  }
  // Each product is off by at most (factors-1)·u relative, and summing n of them adds (n-1)·u of the
  // magnitude; doubling the sum of both keeps the bound safe without second-order terms.
  const bound = 2 * (factors + terms.length) * UNIT_ROUNDOFF * magnitude;
  if (Number.isFinite(magnitude) && magnitude > TINY && Math.abs(sum) > bound) return sum > 0 ? 1 : -1;
  if (magnitude === 0 && terms.every((term) => term.some((f) => f === 0))) return 0;
  return exactSign(terms);
}

/** sign(a·b − c·d), exactly. */
export function signOfDifference(a: number, b: number, c: number, d: number): Sign {
  const left = a * b;
  const right = c * d;
  const difference = left - right;
  const magnitude = Math.abs(left) + Math.abs(right);
  if (Number.isFinite(magnitude) && magnitude > TINY && Math.abs(difference) > 6 * UNIT_ROUNDOFF * magnitude) return difference > 0 ? 1 : -1;
  return exactSign([
    [a, b],
    [-c, d],
  ]);
}

/** sign(Σ a[i]·v[i] + c), exactly. */
export function signOfAffine(a: readonly number[], v: readonly number[], c: number): Sign {
  let sum = c;
  let magnitude = Math.abs(c);
  for (let i = 0; i < a.length; i++) {
    const product = a[i] * v[i];
    sum += product;
    magnitude += Math.abs(product);
  }
  if (Number.isFinite(magnitude) && magnitude > TINY && Math.abs(sum) > 2 * (a.length + 3) * UNIT_ROUNDOFF * magnitude) return sum > 0 ? 1 : -1;
  return exactSign([[c], ...a.map((ai, i) => [ai, v[i]])]);
}

function exactSign(terms: readonly (readonly number[])[]): Sign {
  const products = terms.map((term) => {
    let mantissa = 1n;
    let exponent = 0;
    for (const f of term) {
      const d = toDyadic(f);
      mantissa *= d.mantissa;
      exponent += d.exponent;
    }
    return { mantissa, exponent };
  });
  const nonZero = products.filter((p) => p.mantissa !== 0n);
  if (nonZero.length === 0) return 0;
  const lowest = Math.min(...nonZero.map((p) => p.exponent));
  let total = 0n;
  for (const p of nonZero) total += p.mantissa << BigInt(p.exponent - lowest);
  return total > 0n ? 1 : total < 0n ? -1 : 0;
}
