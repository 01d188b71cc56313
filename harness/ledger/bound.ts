// A lower bound as the ledger compares it. L0 counts elements, so its bounds are whole numbers:
// "≥ 2.5" and "> 2" both mean "≥ 3", and reading them that way is what lets an adversarial at L0 = 3
// stand beside a strict bound of 2 without being called a contradiction.
import type { Norm } from '../types.js';

export interface Bound {
  value: number;
  strict: boolean;
}

export function normalisedBound(norm: Norm, value: number, strict: boolean): Bound {
  if (norm !== 'l0') return { value, strict };
  return { value: strict ? Math.floor(value) + 1 : Math.ceil(value), strict: false };
}

/** Whether `a` says more than `b`: a larger value, or the same value held strictly. */
export function tighter(a: Bound, b: Bound): boolean {
  return a.value > b.value || (a.value === b.value && a.strict && !b.strict);
}

/**
 * Whether a distance breaks the bound by more than `slack`, the measurement error of the distance
 * (see slack.ts): within it, float32 pixels cannot tell which side of the bound the adversarial is.
 */
export function violates(distance: number, bound: Bound, slack: number): boolean {
  const limit = bound.value - slack;
  return bound.strict ? distance <= limit : distance < limit;
}
