// Goldberger et al.'s baseline (Minimal Modifications of Deep Neural Networks using Verification): the
// smallest L∞ change to the weights of the last layer that makes φ hold on x, every weight free in
// sign — stated, as they state it, with one column per weight. Weights fed by a zero input change
// nothing and are left out.
import type { ForwardTrace, PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { LinearProgramBuilder } from '../../harness/solvers/linear-program.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import { layerInput } from './patch-lp.js';
import { CHANGE_TOLERANCE, type PatchSize } from './patch-size.js';
import type { AdversarialProperty } from './property.js';
import { timedSolve, usableValues, type SolveReport } from './timed-solve.js';

export interface GoldbergerPatch {
  lp: SolveReport;
  timeMs: number;
  size: PatchSize | null;
}

export function goldbergerPatch(
  net: PiecewiseLinearNet,
  input: ArrayLike<number>,
  trace: ForwardTrace,
  property: AdversarialProperty,
  margin: number,
  solver: LpSolver,
  timeLimitS: number,
): GoldbergerPatch {
  const last = net.layers.length - 1;
  const inputs = layerInput(input, trace, last);
  const logits = trace.pre[last];
  const active = Array.from({ length: inputs.length }, (_, i) => i).filter((i) => inputs[i] !== 0);
  const lp = new LinearProgramBuilder('minimize');
  const bound = lp.addVariable({ lower: 0, cost: 1 });
  const weights = Array.from({ length: logits.length }, () =>
    active.map(() => {
      const column = lp.addVariable({ lower: -Infinity });
      lp.addConstraint([column, bound], [1, -1], '<=', 0);
      lp.addConstraint([column, bound], [1, 1], '>=', 0);
      return column;
    }),
  );
  for (const row of property.rows) {
    const indices: number[] = [];
    const coefficients: number[] = [];
    let constant = 0;
    row.forEach((weight, k) => {
      if (weight === 0) return;
      constant += weight * logits[k];
      active.forEach((i, n) => {
        indices.push(weights[k][n]);
        coefficients.push(weight * inputs[i]);
      });
    });
    lp.addConstraint(indices, coefficients, '>=', margin - constant);
  }
  const { result, report, timeMs } = timedSolve(solver, lp.build(), timeLimitS);
  const values = usableValues(result);
  if (values === null) return { lp: report, timeMs, size: null };
  let changed = 0;
  let l1 = 0;
  let neurons = 0;
  for (const row of weights) {
    const before = changed;
    for (const column of row) {
      const change = Math.abs(values[column]);
      if (change <= CHANGE_TOLERANCE) continue;
      changed++;
      l1 += change;
    }
    if (changed > before) neurons++;
  }
  return { lp: report, timeMs, size: { weights_changed: changed, neurons_changed: neurons, linf: values[bound], l1 } };
}
