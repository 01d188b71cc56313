// Kept ReLU phases sit at a margin from the kink, so that rounding the solution cannot flip them.

/** Bounds on a pre-activation that keep the phase it has at x: at least the margin asked for from 0, but never more than half of where x has it. */
export function phaseBound(pre: number, phaseMargin: number): { lower: number; upper: number } {
  const margin = Math.min(phaseMargin, Math.abs(pre) / 2);
  return pre > 0 ? { lower: margin, upper: Infinity } : { lower: -Infinity, upper: -margin };
}
