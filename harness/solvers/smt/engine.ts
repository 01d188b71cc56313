// The SMT adapter's contract: a plugin states an SmtProblem and reads back sat (with a model) or
// unsat; which engine decides it is a parameter. Both engines decide the same exact problem, so their
// answers must agree (test/deepcheck/engines-agree.test.ts holds them to it).
import type { SolverCallCounter } from '../../types.js';
import { solveExact } from './exact-engine.js';
import type { SmtProblem, SmtResult } from './problem.js';
import { releaseZ3, solveZ3 } from './z3-engine.js';

export type SmtEngineName = 'exact' | 'z3';

export const SMT_ENGINES: readonly SmtEngineName[] = ['exact', 'z3'];

export interface SmtEngine {
  readonly name: SmtEngineName;
  solve(problem: SmtProblem): Promise<SmtResult>;
  /** lets the process exit (z3 keeps worker threads); the engine may be used again afterwards */
  release(): Promise<void>;
}

/** An engine that reports every query to the harness's counter, so solver cost is accounted like model queries. */
export function smtEngine(name: SmtEngineName, calls: SolverCallCounter): SmtEngine {
  switch (name) {
    case 'exact':
      return {
        name,
        solve: (problem) => {
          calls.add();
          return Promise.resolve(solveExact(problem));
        },
        release: () => Promise.resolve(),
      };
    case 'z3':
      return {
        name,
        solve: (problem) => {
          calls.add();
          return solveZ3(problem);
        },
        release: releaseZ3,
      };
  }
}
