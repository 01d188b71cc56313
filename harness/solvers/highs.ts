// HiGHS (npm `highs`, compiled to WebAssembly) behind the LpSolver contract. The runtime is loaded
// once per process; each program becomes a persistent native model, so a session re-solves from the
// previous basis after bound changes.
import highsImport from 'highs';
import type { Highs, InitOptions, Model } from 'highs';
import type { LinearProgram } from './linear-program.js';
import type { LpSession, LpSolver, SolveOptions, SolveResult } from './solver.js';

type Loader = (options?: InitOptions) => Promise<Highs>;

// `highs` ships CommonJS typings, but Node's import condition loads its ESM build, whose default export is the loader
const loadHighs = (typeof highsImport === 'function' ? highsImport : highsImport.default) as Loader;

let runtime: Promise<Highs> | undefined;

/** The HiGHS runtime of this process; compiling the wasm takes a while, so it happens once. */
export function highsRuntime(): Promise<Highs> {
  runtime ??= loadHighs();
  return runtime;
}

/** HiGHS's own default time limit, written as the finite number its option store accepts. */
const NO_TIME_LIMIT = 1e20;

/** Gaps of zero make "optimal" mean optimal for MILPs too (HiGHS defaults to a 1e-4 relative gap). */
const BASE_OPTIONS = { output_flag: false, mip_rel_gap: 0, mip_abs_gap: 1e-9 } as const;

function modelOf(highs: Highs, program: LinearProgram): Model {
  const model = highs.createModel({
    numCols: program.variables,
    numRows: program.rows,
    sense: program.sense === 'minimize' ? highs.constants.objectiveSense.minimize : highs.constants.objectiveSense.maximize,
    colCost: program.cost,
    colLower: program.lower,
    colUpper: program.upper,
    rowLower: program.rowLower,
    rowUpper: program.rowUpper,
    matrix: { format: 'csr', numRows: program.rows, numCols: program.variables, starts: program.rowStart, indices: program.rowIndex, values: program.rowValue },
    ...(program.integer.some((flag) => flag === 1)
      ? { integrality: Int32Array.from(program.integer, (flag) => (flag === 1 ? highs.constants.variableType.integer : highs.constants.variableType.continuous)) }
      : {}),
  });
  model.options.set(BASE_OPTIONS);
  return model;
}

function run(highs: Highs, model: Model, options: SolveOptions): SolveResult {
  const status = highs.constants.modelStatus;
  model.options.set('time_limit', options.timeLimitS ?? NO_TIME_LIMIT);
  // a persistent model's run clock accumulates over its solves; the limit is per solve
  model.zeroAllClocks();
  let code = model.run().modelStatus;
  if (code === status.unboundedOrInfeasible) {
    // presolve may stop at "one or the other"; the simplex on the full model tells which
    model.options.set('presolve', 'off');
    try {
      code = model.run().modelStatus;
    } finally {
      model.options.set('presolve', 'choose');
    }
  }
  const solution = (): Pick<SolveResult, 'objective' | 'values'> =>
    model.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible
      ? { objective: model.getObjectiveValue(), values: model.getSolution().colValue }
      : { objective: null, values: null };
  switch (code) {
    case status.optimal:
      return { status: 'optimal', ...solution() };
    case status.infeasible:
      return { status: 'infeasible', objective: null, values: null };
    case status.unbounded:
      return { status: 'unbounded', objective: null, values: null };
    case status.timeLimit:
      return { status: 'time_limit', ...solution() };
    default:
      return { status: 'error', objective: null, values: null, message: `HiGHS ended with model status ${code}` };
  }
}

function guarded(solve: () => SolveResult): SolveResult {
  try {
    return solve();
  } catch (error) {
    return { status: 'error', objective: null, values: null, message: `HiGHS failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export async function highsSolver(): Promise<LpSolver> {
  const highs = await highsRuntime();
  return {
    engine: 'highs',
    solve(program, options = {}) {
      return guarded(() => {
        const model = modelOf(highs, program);
        try {
          return run(highs, model, options);
        } finally {
          model.dispose();
        }
      });
    },
    open(program): LpSession {
      const model = modelOf(highs, program);
      return {
        setVariableBounds: (variable, lower, upper) => void model.changeColBounds(variable, lower, upper),
        setConstraintBounds: (row, lower, upper) => void model.changeRowBounds(row, lower, upper),
        setCoefficient: (row, variable, value) => void model.changeCoefficient(row, variable, value),
        setCost: (variable, cost) => void model.changeColCost(variable, cost),
        solve: (options = {}) => guarded(() => run(highs, model, options)),
        dispose: () => model.dispose(),
      };
    },
  };
}
