// GLPK (npm `glpk.js` v5, WebAssembly, synchronous in Node) behind the LpSolver contract. GLPK keeps
// no model between calls, so a session edits its own copy of the program and solves it afresh.
import loadGlpk from 'glpk.js/node';
import type { GLPK, LP, Result } from 'glpk.js/node';
import type { LinearProgram } from './linear-program.js';
import type { LpSession, LpSolver, SolveOptions, SolveResult } from './solver.js';

let runtime: Promise<GLPK> | undefined;

/** The GLPK runtime of this process, loaded once. */
export function glpkRuntime(): Promise<GLPK> {
  runtime ??= loadGlpk();
  return runtime;
}

/** A program GLPK can be handed repeatedly: bounds and coefficients stay editable. */
interface EditableProgram {
  program: LinearProgram;
  cost: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  /** per row, variable → coefficient */
  rows: Map<number, number>[];
}

function editable(program: LinearProgram): EditableProgram {
  const rows = Array.from({ length: program.rows }, (_, r) => {
    const row = new Map<number, number>();
    for (let k = program.rowStart[r]; k < program.rowStart[r + 1]; k++) row.set(program.rowIndex[k], program.rowValue[k]);
    return row;
  });
  return { program, cost: program.cost.slice(), lower: program.lower.slice(), upper: program.upper.slice(), rowLower: program.rowLower.slice(), rowUpper: program.rowUpper.slice(), rows };
}

function boundsOf(glpk: GLPK, lower: number, upper: number): { type: number; lb: number; ub: number } {
  const hasLower = lower > -Infinity;
  const hasUpper = upper < Infinity;
  if (hasLower && hasUpper) return { type: lower === upper ? glpk.GLP_FX : glpk.GLP_DB, lb: lower, ub: upper };
  if (hasLower) return { type: glpk.GLP_LO, lb: lower, ub: 0 };
  if (hasUpper) return { type: glpk.GLP_UP, lb: 0, ub: upper };
  return { type: glpk.GLP_FR, lb: 0, ub: 0 };
}

const name = (variable: number): string => `x${variable}`;

function toGlpk(glpk: GLPK, p: EditableProgram): LP {
  const { program } = p;
  const all = Array.from({ length: program.variables }, (_, v) => v);
  const integers = all.filter((v) => program.integer[v] === 1).map(name);
  return {
    name: 'gauntlet',
    objective: { direction: program.sense === 'minimize' ? glpk.GLP_MIN : glpk.GLP_MAX, name: 'objective', vars: all.map((v) => ({ name: name(v), coef: p.cost[v] })) },
    subjectTo: p.rows.map((row, r) => ({
      name: `r${r}`,
      vars: [...row].map(([v, coef]) => ({ name: name(v), coef })),
      bnds: boundsOf(glpk, p.rowLower[r], p.rowUpper[r]),
    })),
    bounds: all.map((v) => ({ name: name(v), ...boundsOf(glpk, p.lower[v], p.upper[v]) })),
    ...(integers.length > 0 ? { generals: integers } : {}),
  };
}

function valuesOf(result: Result, variables: number): Float64Array {
  return Float64Array.from({ length: variables }, (_, v) => result.result.vars[name(v)] ?? 0);
}

function solveEditable(glpk: GLPK, p: EditableProgram, options: SolveOptions): SolveResult {
  const lp = toGlpk(glpk, p);
  const limit = options.timeLimitS;
  const attempt = (presol: boolean): Result => glpk.solve(lp, { msglev: glpk.GLP_MSG_OFF, presol, ...(limit === undefined ? {} : { tmlim: limit }) });
  let result = attempt(true);
  // the presolver reports "no primal feasible solution" as an undefined status; the plain simplex tells which
  if (result.result.status === glpk.GLP_UNDEF || result.result.status === glpk.GLP_INFEAS) result = attempt(false);
  const { status, z } = result.result;
  const timedOut = limit !== undefined && result.time >= limit;
  switch (status) {
    case glpk.GLP_OPT:
      return { status: 'optimal', objective: z, values: valuesOf(result, p.program.variables) };
    case glpk.GLP_FEAS:
      return timedOut
        ? { status: 'time_limit', objective: z, values: valuesOf(result, p.program.variables) }
        : { status: 'error', objective: null, values: null, message: 'GLPK stopped at a feasible, unproven point' };
    case glpk.GLP_NOFEAS:
    case glpk.GLP_INFEAS:
      return { status: 'infeasible', objective: null, values: null };
    case glpk.GLP_UNBND:
      return { status: 'unbounded', objective: null, values: null };
    default:
      return timedOut
        ? { status: 'time_limit', objective: null, values: null }
        : { status: 'error', objective: null, values: null, message: `GLPK ended with status ${status}` };
  }
}

function guarded(solve: () => SolveResult): SolveResult {
  try {
    return solve();
  } catch (error) {
    return { status: 'error', objective: null, values: null, message: `GLPK failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export async function glpkSolver(): Promise<LpSolver> {
  const glpk = await glpkRuntime();
  return {
    engine: 'glpk',
    solve: (program, options = {}) => guarded(() => solveEditable(glpk, editable(program), options)),
    open(program): LpSession {
      const p = editable(program);
      return {
        setVariableBounds(variable, lower, upper) {
          p.lower[variable] = lower;
          p.upper[variable] = upper;
        },
        setConstraintBounds(row, lower, upper) {
          p.rowLower[row] = lower;
          p.rowUpper[row] = upper;
        },
        setCoefficient(row, variable, value) {
          if (value === 0) p.rows[row].delete(variable);
          else p.rows[row].set(variable, value);
        },
        setCost(variable, cost) {
          p.cost[variable] = cost;
        },
        solve: (options = {}) => guarded(() => solveEditable(glpk, p, options)),
        dispose: () => undefined,
      };
    },
  };
}
