// mod2adv: the first-layer patch turned into an input change. Find δ with W(x + δ) + b inside the
// relaxed first-layer target, |δ_i| ≤ δ·M_i, M_i ∈ {0, 1}, x + δ in [0, 1], and minimise Σ M_i — the
// number of pixels changed. The released code has no objective (it doubles a cap on Σ M_i) and no
// pixel box; here the count is minimised and the box is part of each pixel's bounds.
//
// `milp` solves that MILP. With HiGHS or GLPK in WebAssembly it finds good counts on MNIST but cannot
// prove them minimal within seconds, and a MILP stopped by a wall-clock limit returns whatever it had
// then: a different answer on a busier machine. `sparse_lp` is deterministic: the MILP's LP relaxation
// (a weighted L1 problem) has a vertex optimum with at most as many changed pixels as constrained
// neurons, and pixels are then dropped one by one, smallest change first, while an LP over the rest
// still reaches the target — a count no single pixel can be taken from.
import type { AffineLayer } from '../../harness/piecewise/affine-view.js';
import { LinearProgramBuilder, type LinearProgram } from '../../harness/solvers/linear-program.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import type { LayerTarget } from './relaxed-target.js';
import { timedSolve, usableValues, type SolveReport } from './timed-solve.js';

export type PixelSearch = 'milp' | 'sparse_lp';

export interface InputChangeProblem {
  /** the first affine layer */
  layer: AffineLayer;
  input: Float32Array;
  /** its pre-activations at x */
  pre: ArrayLike<number>;
  target: LayerTarget;
  delta: number;
  maxPixels?: number;
}

export interface InputChange {
  /** every LP/MILP solved, in order */
  solves: { report: SolveReport; timeMs: number }[];
  /** true when a MILP proved the count minimal */
  optimal: boolean;
  /** x + δ, or null when no input reaches the target */
  adversarial: Float32Array | null;
}

interface ProgramOptions {
  integer: boolean;
  /** the only pixels allowed to change (default: every pixel a constrained neuron reads) */
  pixels?: readonly number[];
}

interface Columns {
  pixel: number;
  up: number;
  down: number;
  chosen: number;
}

/** Pixel i moves by up_i − down_i, both ≥ 0 and within δ and the box; `chosen` is M_i (integer programs only). */
export function inputChangeProgram(problem: InputChangeProblem, options: ProgramOptions): { program: LinearProgram; adversarial: (values: Float64Array) => Float32Array; changes: (values: Float64Array) => Map<number, number> } {
  const { layer, input, pre, target, delta } = problem;
  const w = layer.weights;
  const constrained: number[] = [];
  for (let j = 0; j < w.rows; j++) {
    if (target.lower[j] > -Infinity || target.upper[j] < Infinity || target.rows.some((row) => row.coefficients[j] !== 0)) constrained.push(j);
  }
  const read = new Set<number>();
  for (const j of constrained) for (let e = w.rowStart[j]; e < w.rowStart[j + 1]; e++) read.add(w.colIndex[e]);
  const allowed = options.pixels === undefined ? undefined : new Set(options.pixels);
  const pixels = [...read].filter((i) => allowed === undefined || allowed.has(i)).sort((a, b) => a - b);

  const lp = new LinearProgramBuilder('minimize');
  const columns = new Map<number, Columns>();
  for (const pixel of pixels) {
    const room = { up: Math.min(delta, 1 - input[pixel]), down: Math.min(delta, input[pixel]) };
    const column = { pixel, up: -1, down: -1, chosen: -1 };
    if (options.integer) column.chosen = lp.addVariable({ lower: 0, upper: 1, cost: 1, integer: true });
    for (const side of ['up', 'down'] as const) {
      if (room[side] <= 0) continue;
      column[side] = lp.addVariable({ lower: 0, upper: room[side], cost: options.integer ? 0 : 1 / room[side] });
      if (options.integer) lp.addConstraint([column[side], column.chosen], [1, -room[side]], '<=', 0);
    }
    columns.set(pixel, column);
  }
  const termsOf = (weights: Map<number, number>): [number[], number[]] => {
    const indices: number[] = [];
    const coefficients: number[] = [];
    for (const [pixel, weight] of weights) {
      const column = columns.get(pixel);
      if (column === undefined) continue;
      if (column.up >= 0) indices.push(column.up), coefficients.push(weight);
      if (column.down >= 0) indices.push(column.down), coefficients.push(-weight);
    }
    return [indices, coefficients];
  };
  const rowOf = (weights: Map<number, number>, j: number, scale: number): void => {
    for (let e = w.rowStart[j]; e < w.rowStart[j + 1]; e++) weights.set(w.colIndex[e], (weights.get(w.colIndex[e]) ?? 0) + scale * w.values[e]);
  };
  for (const j of constrained) {
    if (target.lower[j] === -Infinity && target.upper[j] === Infinity) continue;
    const weights = new Map<number, number>();
    rowOf(weights, j, 1);
    const [indices, coefficients] = termsOf(weights);
    lp.addRange(indices, coefficients, target.lower[j] - pre[j], target.upper[j] - pre[j]);
  }
  for (const row of target.rows) {
    const weights = new Map<number, number>();
    let lower = row.lower;
    row.coefficients.forEach((weight, j) => {
      if (weight === 0) return;
      lower -= weight * pre[j];
      rowOf(weights, j, weight);
    });
    const [indices, coefficients] = termsOf(weights);
    lp.addConstraint(indices, coefficients, '>=', lower);
  }
  if (options.integer && problem.maxPixels !== undefined) {
    const chosen = [...columns.values()].map((c) => c.chosen);
    lp.addConstraint(chosen, new Array<number>(chosen.length).fill(1), '<=', problem.maxPixels);
  }

  const changeOf = (column: Columns, values: Float64Array): number => {
    if (options.integer && values[column.chosen] < 0.5) return 0;
    return (column.up >= 0 ? values[column.up] : 0) - (column.down >= 0 ? values[column.down] : 0);
  };
  return {
    program: lp.build(),
    // a pixel the solution leaves alone keeps its exact value, not the solver's near-zero residue
    adversarial: (values) => {
      const moved = Float32Array.from(input);
      for (const column of columns.values()) {
        const change = changeOf(column, values);
        if (change === 0) continue;
        const i = column.pixel;
        moved[i] = Math.fround(Math.min(Math.min(1, input[i] + delta), Math.max(Math.max(0, input[i] - delta), input[i] + change)));
      }
      return moved;
    },
    changes: (values) => new Map([...columns.values()].map((column) => [column.pixel, changeOf(column, values)] as const).filter(([, change]) => change !== 0)),
  };
}

function milp(problem: InputChangeProblem, solver: LpSolver, timeLimitS: number): InputChange {
  const { program, adversarial } = inputChangeProgram(problem, { integer: true });
  const { result, report, timeMs } = timedSolve(solver, program, timeLimitS);
  const values = usableValues(result);
  return { solves: [{ report, timeMs }], optimal: result.status === 'optimal', adversarial: values === null ? null : adversarial(values) };
}

function sparseLp(problem: InputChangeProblem, solver: LpSolver, timeLimitS: number): InputChange {
  const solves: InputChange['solves'] = [];
  const attempt = (pixels?: readonly number[]): { values: Float64Array; adversarial: Float32Array; changes: Map<number, number> } | null => {
    const built = inputChangeProgram(problem, { integer: false, pixels });
    const { result, report, timeMs } = timedSolve(solver, built.program, timeLimitS);
    solves.push({ report, timeMs });
    if (result.status !== 'optimal' || result.values === null) return null;
    return { values: result.values, adversarial: built.adversarial(result.values), changes: built.changes(result.values) };
  };
  let best = attempt();
  if (best === null) return { solves, optimal: false, adversarial: null };
  const first = best.changes;
  const order = [...first.keys()].sort((a, b) => Math.abs(first.get(a) as number) - Math.abs(first.get(b) as number) || a - b);
  for (const pixel of order) {
    if (!best.changes.has(pixel)) continue;
    const found = attempt([...best.changes.keys()].filter((i) => i !== pixel));
    if (found !== null) best = found;
  }
  const tooMany = problem.maxPixels !== undefined && best.changes.size > problem.maxPixels;
  return { solves, optimal: false, adversarial: tooMany ? null : best.adversarial };
}

export function solveInputChange(problem: InputChangeProblem, solver: LpSolver, timeLimitS: number, search: PixelSearch): InputChange {
  return search === 'milp' ? milp(problem, solver, timeLimitS) : sparseLp(problem, solver, timeLimitS);
}
