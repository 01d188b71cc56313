// The LP/MILP adapter's contract: a plugin states a LinearProgram and reads back a status and values;
// which engine solves it (HiGHS or GLPK, both WebAssembly) is a parameter, not a code path.
import type { SolverCallCounter } from '../types.js';
import type { LinearProgram } from './linear-program.js';

export const SOLVER_ENGINES = ['highs', 'glpk'] as const;

export type SolverEngine = (typeof SOLVER_ENGINES)[number];

export type SolveStatus = 'optimal' | 'infeasible' | 'unbounded' | 'time_limit' | 'error';

export interface SolveResult {
  status: SolveStatus;
  /** objective at `values`: the optimum, or the best incumbent of a MILP stopped by its time limit */
  objective: number | null;
  /** one value per variable; null when the solver has no feasible point to give */
  values: Float64Array | null;
  /** what went wrong, for 'error' */
  message?: string;
}

export interface SolveOptions {
  /** wall-clock limit of this one solve, in seconds */
  timeLimitS?: number;
}

/**
 * A program kept in the solver between solves: changing bounds and re-solving lets an engine that
 * keeps its basis (HiGHS) start from the last optimum instead of from scratch.
 */
export interface LpSession {
  setVariableBounds(variable: number, lower: number, upper: number): void;
  setConstraintBounds(row: number, lower: number, upper: number): void;
  /** the coefficient of `variable` in `row`; 0 removes it */
  setCoefficient(row: number, variable: number, value: number): void;
  /** the objective coefficient of `variable` */
  setCost(variable: number, cost: number): void;
  solve(options?: SolveOptions): SolveResult;
  /** frees the engine's memory; the session is unusable afterwards */
  dispose(): void;
}

export interface LpSolver {
  readonly engine: SolverEngine;
  solve(program: LinearProgram, options?: SolveOptions): SolveResult;
  open(program: LinearProgram): LpSession;
}

/** The same solver, reporting every solve to the harness's counter so solver cost is accounted like model queries. */
export function countedSolver(solver: LpSolver, calls: SolverCallCounter): LpSolver {
  return {
    engine: solver.engine,
    solve(program, options) {
      calls.add();
      return solver.solve(program, options);
    },
    open(program) {
      const session = solver.open(program);
      return {
        setVariableBounds: (variable, lower, upper) => session.setVariableBounds(variable, lower, upper),
        setConstraintBounds: (row, lower, upper) => session.setConstraintBounds(row, lower, upper),
        setCoefficient: (row, variable, value) => session.setCoefficient(row, variable, value),
        setCost: (variable, cost) => session.setCost(variable, cost),
        solve(options) {
          calls.add();
          return session.solve(options);
        },
        dispose: () => session.dispose(),
      };
    },
  };
}
