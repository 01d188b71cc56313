// modifyEdgeLayer: the smallest change of one edge layer's weights that makes the network, on the
// unchanged input x, reach a target further up (φ on the logits, or a relaxed set of values at a
// later layer). Layers before the patched one are constants (x propagated); layers between it and the
// target are encoded with the ReLU phases x induces, each kept phase at a margin from its kink, so
// the linear model is the network itself at every feasible point.
//
// With the inputs a of the patched layer fixed, a weight patch ε acts on neuron j only through
// Δ_j = Σ_i ε_ji·a_i, and the smallest patch giving Δ is known in closed form: ‖ε‖∞ = max_j |Δ_j| / ‖a‖₁
// and ‖ε‖₁ = Σ_j |Δ_j| / ‖a‖∞. So the LP is stated over Δ (one or two columns per neuron) instead of
// over every weight, with the same optimum. Marks fix each Δ_j's sign (INC ≥ 0, DEC ≤ 0) or force it to 0
// (FREE, or a neuron whose kept phase is inactive), as the sign of ε_ji·a_i would be fixed over weights.
import type { ForwardTrace, PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { LinearProgramBuilder, type LinearProgram } from '../../harness/solvers/linear-program.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import { DEC, FREE, INC } from './marks.js';
import type { PatchNorm } from './params.js';
import { patchSize, type PatchSize } from './patch-size.js';
import { phaseBound } from './phase-bound.js';
import type { AdversarialProperty } from './property.js';
import type { LayerTarget } from './relaxed-target.js';
import { timedSolve, usableValues, type SolveReport } from './timed-solve.js';

/** What the patched network must reach. */
export type PatchTarget =
  /** φ on the logits, each row by at least `margin` */
  | { kind: 'property'; property: AdversarialProperty; margin: number }
  /** φ′ on the pre-activations of a later layer */
  | ({ kind: 'layer' } & LayerTarget);

export interface PatchProblem {
  net: PiecewiseLinearNet;
  /** the input x */
  input: ArrayLike<number>;
  /** x through the original network */
  trace: ForwardTrace;
  /**
   * pre-activations whose signs are the phases assumed for the layers between the patched layer and
   * the target (by layer index; default: x's). The patched layer's own phases are always x's.
   */
  phases?: readonly Float64Array[];
  /** index of the affine layer whose weights are patched */
  layer: number;
  target: PatchTarget;
  /** allowed sign of each patched neuron's change (a Mark); all MIXED for an unmarked patch */
  signs: ArrayLike<number>;
  norm: PatchNorm;
  phaseMargin: number;
  /** false: the phases only choose which neurons pass their value on, nothing holds them (a stage's fallback) */
  keepPhases: boolean;
}

export interface PatchOutcome {
  lp: SolveReport;
  timeMs: number;
  /** Δ: the change of each pre-activation of the patched layer, or null when no patch was found */
  change: Float64Array | null;
  size: PatchSize | null;
}

/** The values feeding affine layer `layer`. */
export function layerInput(input: ArrayLike<number>, trace: ForwardTrace, layer: number): ArrayLike<number> {
  return layer === 0 ? input : trace.post[layer - 1];
}

export function solvePatch(problem: PatchProblem, solver: LpSolver, timeLimitS: number): PatchOutcome {
  const { program, change } = patchProgram(problem);
  const { result, report, timeMs } = timedSolve(solver, program, timeLimitS);
  const values = usableValues(result);
  if (values === null) return { lp: report, timeMs, change: null, size: null };
  const delta = change(values);
  return { lp: report, timeMs, change: delta, size: patchSize(delta, layerInput(problem.input, problem.trace, problem.layer), problem.norm) };
}

interface Term {
  column: number;
  coefficient: number;
}

/** The LP of one patch, and how to read Δ back from its solution. */
export function patchProgram(problem: PatchProblem): { program: LinearProgram; change: (values: Float64Array) => Float64Array } {
  const { net, trace, layer: p, target, signs, norm } = problem;
  const layers = net.layers;
  const q = target.kind === 'property' ? layers.length - 1 : target.layer;
  if (q < p) throw new RangeError(`target layer ${q} lies before the patched layer ${p}`);
  const inputs = layerInput(problem.input, trace, p);
  let inputL1 = 0;
  let inputLinf = 0;
  for (let i = 0; i < inputs.length; i++) {
    inputL1 += Math.abs(inputs[i]);
    inputLinf = Math.max(inputLinf, Math.abs(inputs[i]));
  }
  const lp = new LinearProgramBuilder('minimize');
  const bound = norm === 'linf' ? lp.addVariable({ lower: 0, cost: 1 }) : -1;
  const patched = layers[p];
  const size = patched.bias.length;
  const pre = trace.pre[p];
  // each Δ_j is pos_j − neg_j, both ≥ 0; a sign fixed by marks drops one of them
  const pos = new Int32Array(size).fill(-1);
  const neg = new Int32Array(size).fill(-1);
  const reference = (l: number): Float64Array => (l === p ? trace.pre[p] : (problem.phases ?? trace.pre)[l]);
  const keptInactive = (l: number, j: number): boolean => layers[l].relu && reference(l)[j] <= 0;
  for (let j = 0; j < size; j++) {
    if (inputL1 === 0 || signs[j] === FREE || (p < q && keptInactive(p, j))) continue;
    const cost = norm === 'l1' ? 1 / inputLinf : 0;
    if (signs[j] !== DEC) pos[j] = lp.addVariable({ cost });
    if (signs[j] !== INC) neg[j] = lp.addVariable({ cost });
    for (const part of [pos[j], neg[j]]) if (part >= 0 && bound >= 0) lp.addConstraint([part, bound], [1, -inputL1], '<=', 0);
    if (problem.keepPhases && p < q && patched.relu && neg[j] >= 0) {
      const { lower } = phaseBound(pre[j], problem.phaseMargin);
      lp.addConstraint(pos[j] >= 0 ? [pos[j], neg[j]] : [neg[j]], pos[j] >= 0 ? [1, -1] : [-1], '>=', lower - pre[j]);
    }
  }

  /** Neuron j of layer l as terms plus a constant: its value after the kept phase (0 when inactive). */
  let columns: Int32Array = new Int32Array(0);
  const valueOf = (l: number, j: number): { terms: Term[]; constant: number } => {
    if (l < q && keptInactive(l, j)) return { terms: [], constant: 0 };
    if (l === p) {
      const terms: Term[] = [];
      if (pos[j] >= 0) terms.push({ column: pos[j], coefficient: 1 });
      if (neg[j] >= 0) terms.push({ column: neg[j], coefficient: -1 });
      return { terms, constant: pre[j] };
    }
    return { terms: columns[j] >= 0 ? [{ column: columns[j], coefficient: 1 }] : [], constant: 0 };
  };

  const wanted = (j: number): boolean => {
    if (target.kind === 'property') return target.property.rows.some((row) => row[j] !== 0);
    return target.lower[j] > -Infinity || target.upper[j] < Infinity || target.rows.some((row) => row.coefficients[j] !== 0);
  };
  for (let l = p + 1; l <= q; l++) {
    const layer = layers[l];
    const next = new Int32Array(layer.bias.length).fill(-1);
    for (let j = 0; j < layer.bias.length; j++) {
      if (l === q && !wanted(j)) continue;
      let lower = -Infinity;
      let upper = Infinity;
      if (problem.keepPhases && l < q && layer.relu) ({ lower, upper } = phaseBound(reference(l)[j], problem.phaseMargin));
      if (l === q && target.kind === 'layer') {
        lower = target.lower[j];
        upper = target.upper[j];
      }
      next[j] = lp.addVariable({ lower, upper });
      const indices = [next[j]];
      const coefficients = [1];
      let rhs = layer.bias[j];
      const w = layer.weights;
      for (let e = w.rowStart[j]; e < w.rowStart[j + 1]; e++) {
        const { terms, constant } = valueOf(l - 1, w.colIndex[e]);
        rhs += w.values[e] * constant;
        for (const term of terms) {
          indices.push(term.column);
          coefficients.push(-w.values[e] * term.coefficient);
        }
      }
      lp.addConstraint(indices, coefficients, '=', rhs);
    }
    columns = next;
  }

  if (target.kind === 'layer') {
    for (const row of target.rows) {
      const indices: number[] = [];
      const coefficients: number[] = [];
      row.coefficients.forEach((weight, j) => {
        if (weight === 0) return;
        indices.push(columns[j]);
        coefficients.push(weight);
      });
      lp.addConstraint(indices, coefficients, '>=', row.lower);
    }
  } else {
    for (const row of target.property.rows) {
      const indices: number[] = [];
      const coefficients: number[] = [];
      let constant = 0;
      row.forEach((weight, k) => {
        if (weight === 0) return;
        const value = valueOf(q, k);
        constant += weight * value.constant;
        for (const term of value.terms) {
          indices.push(term.column);
          coefficients.push(weight * term.coefficient);
        }
      });
      lp.addConstraint(indices, coefficients, '>=', target.margin - constant);
    }
  }

  return {
    program: lp.build(),
    change: (values) => Float64Array.from({ length: size }, (_, j) => (pos[j] >= 0 ? values[pos[j]] : 0) - (neg[j] >= 0 ? values[neg[j]] : 0)),
  };
}
