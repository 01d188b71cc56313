// One LP/MILP solve with what is reported about it: its size and status go into the sample's
// details; its time does not (details must be the same on every run), it goes into the per-sample
// CSV artifact instead.
import type { LinearProgram } from '../../harness/solvers/linear-program.js';
import type { LpSolver, SolveResult, SolveStatus } from '../../harness/solvers/solver.js';

export interface SolveReport {
  status: SolveStatus;
  variables: number;
  /** of which integer */
  integers: number;
  rows: number;
}

export interface TimedSolve {
  result: SolveResult;
  report: SolveReport;
  timeMs: number;
}

export function timedSolve(solver: LpSolver, program: LinearProgram, timeLimitS: number): TimedSolve {
  const began = performance.now();
  const result = solver.solve(program, { timeLimitS });
  const timeMs = performance.now() - began;
  const integers = program.integer.reduce((count, flag) => count + flag, 0);
  return { result, report: { status: result.status, variables: program.variables, integers, rows: program.rows }, timeMs };
}

/** Values worth using: an optimum, or the best point a solve stopped by its time limit had found. */
export function usableValues(result: SolveResult): Float64Array | null {
  return result.status === 'optimal' || result.status === 'time_limit' ? result.values : null;
}
