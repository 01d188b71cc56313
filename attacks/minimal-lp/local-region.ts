// The baseline of Bastani et al. (2016) as the paper compares against it: the same LP, restricted to
// the input's own linear region. The region search starts from it too, so it searches a superset.
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { forwardTrace } from '../../harness/piecewise/affine-view.js';
import { patternOf, type Pattern } from './activation-pattern.js';
import type { Incumbents } from './incumbents.js';
import type { RegionProgram } from './region-program.js';
import type { SearchBudget } from './search-budget.js';

export interface LocalRegion {
  pattern: Pattern;
  /** per target: the minimal L1 inside the region (Infinity when the target cannot win there within the cap) */
  values: Map<number, number>;
}

export function solveLocalRegion(
  net: PiecewiseLinearNet,
  x0: ArrayLike<number>,
  program: RegionProgram,
  targets: readonly number[],
  maxL1: number,
  budget: SearchBudget,
  incumbents: Incumbents,
): LocalRegion {
  const pattern = patternOf(forwardTrace(net, x0).pre, net);
  const values = new Map<number, number>();
  for (const target of targets) {
    if (!budget.allows()) break;
    budget.lps++;
    budget.regions++;
    const solution = program.solve({ target, pattern, bounds: null, cap: maxL1, margin: 0, timeLimitS: budget.remainingS() });
    if (solution.status === 'optimal') {
      budget.feasibleRegions++;
      values.set(target, solution.value);
      incumbents.offer(target, solution.value, pattern);
    } else {
      values.set(target, Infinity);
      if (solution.status !== 'infeasible') budget.failures++;
    }
  }
  return { pattern, values };
}
