// The exact reference search: one MILP per target class over the ball, closest targets first, each
// capped by the best adversarial found so far (the local region's LPs seed it).
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import { ballBounds } from './ball-bounds.js';
import type { Incumbents } from './incumbents.js';
import { MilpProgram } from './milp-program.js';
import type { SearchBudget } from './search-budget.js';

export interface MilpSearch {
  net: PiecewiseLinearNet;
  x0: ArrayLike<number>;
  solver: LpSolver;
  targets: readonly number[];
  /** the MILP is exact for every L1 up to this radius */
  radius: number;
  budget: SearchBudget;
  incumbents: Incumbents;
}

export function searchMilp(search: MilpSearch): void {
  const { net, x0, solver, budget, incumbents } = search;
  const start = (target: number): number => incumbents.get(target)?.value ?? Infinity;
  for (const target of [...search.targets].sort((a, b) => start(a) - start(b) || a - b)) {
    const cap = incumbents.cap(target);
    // big-M from bounds over the smallest ball that can still hold a better point: tighter M, faster MILP
    const radius = Math.min(search.radius, cap);
    if (!(radius > 0)) continue;
    if (!budget.allows()) return;
    budget.lps++;
    const program = new MilpProgram(solver, net, x0, ballBounds(net, x0, radius), radius);
    try {
      const solution = program.solve(target, cap, budget.remainingS());
      if (solution.pattern !== null) incumbents.offer(target, solution.value, solution.pattern);
      if (solution.status !== 'optimal' && solution.status !== 'infeasible') budget.failures++;
    } finally {
      program.dispose();
    }
  }
}
