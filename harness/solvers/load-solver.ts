// Picks an LP/MILP engine by name; each engine compiles its wasm runtime once per process.
import { glpkSolver } from './glpk.js';
import { highsSolver } from './highs.js';
import type { LpSolver, SolverEngine } from './solver.js';

export function loadSolver(engine: SolverEngine): Promise<LpSolver> {
  return engine === 'highs' ? highsSolver() : glpkSolver();
}
