// One variable: every constraint a·v + c ≥ 0 (or > 0) is a bound v ≥ −c/a or v ≤ −c/a, so the
// feasible set is an interval. Bounds are compared as fractions through exact signs, never divided.
import { signOfDifference, type Sign } from './exact-sign.js';
import type { HalfSpace } from './problem.js';

/** The bound −c/a of a half-space with a ≠ 0, kept as the pair it came from. */
interface Bound {
  a: number;
  c: number;
  strict: boolean;
}

interface Interval {
  lower: Bound;
  upper: Bound;
}

export type IntervalOutcome = { feasible: true; point: number } | { feasible: false };

/** sign(−c1/a1 − (−c2/a2)) = sign(c2·a1 − c1·a2) · sign(a1·a2). */
function compareBounds(x: Bound, y: Bound): Sign {
  return (signOfDifference(y.c, x.a, x.c, y.a) * Math.sign(x.a) * Math.sign(y.a)) as Sign;
}

/** The interval narrowed by h, or undefined when h is a constant it violates. */
function narrow(interval: Interval, h: HalfSpace): Interval | undefined {
  const a = h.a[0];
  if (a === 0) return h.c > 0 || (h.c === 0 && !h.strict) ? interval : undefined;
  const bound: Bound = { a, c: h.c, strict: h.strict };
  if (a > 0) {
    const order = compareBounds(bound, interval.lower);
    return order > 0 || (order === 0 && bound.strict) ? { lower: bound, upper: interval.upper } : interval;
  }
  const order = compareBounds(bound, interval.upper);
  return order < 0 || (order === 0 && bound.strict) ? { lower: interval.lower, upper: bound } : interval;
}

function valueOf(b: Bound): number {
  return -b.c / b.a;
}

function outcome(interval: Interval): IntervalOutcome {
  const order = compareBounds(interval.upper, interval.lower);
  if (order < 0 || (order === 0 && (interval.lower.strict || interval.upper.strict))) return { feasible: false };
  const low = valueOf(interval.lower);
  const high = valueOf(interval.upper);
  return { feasible: true, point: Math.min(high, Math.max(low, low + (high - low) / 2)) };
}

/**
 * Decides `bounds` ∧ `all` ∧ (some h of `any`) over one variable. `bounds` must be the two half-spaces
 * v ≥ lower, v ≤ upper (boundHalfSpaces), so the interval is never unbounded.
 */
export function solveInterval(bounds: readonly HalfSpace[], all: readonly HalfSpace[], any: readonly HalfSpace[] | undefined): IntervalOutcome {
  const [lower, upper] = bounds;
  let base: Interval | undefined = { lower: { a: 1, c: lower.c, strict: false }, upper: { a: -1, c: upper.c, strict: false } };
  for (const h of all) {
    base = narrow(base, h);
    if (base === undefined) return { feasible: false };
  }
  const first = outcome(base);
  if (any === undefined || !first.feasible) return first;
  for (const h of any) {
    const branch = narrow(base, h);
    if (branch === undefined) continue;
    const result = outcome(branch);
    if (result.feasible) return result;
  }
  return { feasible: false };
}
