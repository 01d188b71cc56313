// The exact reference: the whole network over the ball as one MILP (big-M from the pre-activation
// bounds, a binary only for units whose bounds straddle 0), minimising ‖Δ‖₁ to a target class.
// Same variables as the region LP: Δ⁺, Δ⁻ per pixel, z and y per unit; plus the binaries.
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { LinearProgramBuilder } from '../../harness/solvers/linear-program.js';
import type { LpSession, LpSolver, SolveStatus } from '../../harness/solvers/solver.js';
import { ACTIVE, INACTIVE, type Pattern } from './activation-pattern.js';
import type { Interval } from './ball-bounds.js';

export interface MilpSolution {
  status: SolveStatus;
  /** ‖Δ‖₁ of the best point found (the optimum when status is 'optimal'); Infinity when none */
  value: number;
  /** the activation pattern of that point, as the binaries decided it */
  pattern: Pattern | null;
  message?: string;
}

export class MilpProgram {
  private readonly session: LpSession;
  private readonly marginRow: number[][] = [];
  private readonly budgetRow: number;
  /** per layer and unit: the binary's column, or the phase the bounds fix (as −1 − phase) */
  private readonly decision: number[][] = [];
  private readonly n: number;

  /** `bounds` must hold for every x in the ball of `radius`; the budget row keeps the MILP inside it. */
  constructor(
    solver: LpSolver,
    net: PiecewiseLinearNet,
    x0: ArrayLike<number>,
    bounds: readonly Interval[],
    private readonly radius: number,
  ) {
    const n = net.inputSize;
    this.n = n;
    const b = new LinearProgramBuilder('minimize');
    for (let i = 0; i < n; i++) b.addVariable({ lower: 0, upper: 1 - x0[i], cost: 1 });
    for (let i = 0; i < n; i++) b.addVariable({ lower: 0, upper: x0[i], cost: 1 });
    let inputs: number[] = [];
    let logits = 0;
    for (const [l, layer] of net.layers.entries()) {
      const units = layer.bias.length;
      const { lower, upper } = bounds[l];
      const z0 = b.variables;
      for (let u = 0; u < units; u++) b.addVariable(layer.relu ? { lower: lower[u], upper: upper[u] } : { lower: -Infinity });
      const w = layer.weights;
      const x0w = l === 0 ? w.multiply(x0) : undefined;
      for (let u = 0; u < units; u++) {
        const indices: number[] = [z0 + u];
        const values: number[] = [1];
        for (let k = w.rowStart[u]; k < w.rowStart[u + 1]; k++) {
          const j = w.colIndex[k];
          if (l === 0) {
            indices.push(j, n + j);
            values.push(-w.values[k], w.values[k]);
          } else if (inputs[j] >= 0) {
            // an always-inactive unit (input −1) contributes nothing
            indices.push(inputs[j]);
            values.push(-w.values[k]);
          }
        }
        b.addConstraint(indices, values, '=', layer.bias[u] + (x0w === undefined ? 0 : x0w[u]));
      }
      if (!layer.relu) {
        logits = z0;
        this.decision.push([]);
        continue;
      }
      const outputs: number[] = [];
      const decision: number[] = [];
      for (let u = 0; u < units; u++) {
        if (lower[u] >= 0) {
          outputs.push(z0 + u);
          decision.push(-1 - ACTIVE);
        } else if (upper[u] <= 0) {
          outputs.push(-1);
          decision.push(-1 - INACTIVE);
        } else {
          const y = b.addVariable({ lower: 0, upper: upper[u] });
          const a = b.addVariable({ lower: 0, upper: 1, integer: true });
          b.addConstraint([y, z0 + u], [1, -1], '>=', 0);
          b.addConstraint([y, a], [1, -upper[u]], '<=', 0);
          b.addConstraint([y, z0 + u, a], [1, -1, -lower[u]], '<=', -lower[u]);
          outputs.push(y);
          decision.push(a);
        }
      }
      this.decision.push(decision);
      inputs = outputs;
    }
    const classes = net.layers[net.layers.length - 1].bias.length;
    for (let j = 0; j < classes; j++) {
      this.marginRow.push(Array.from({ length: classes }, (_, k) => (k === j ? -1 : b.addRange([logits + j, logits + k], [1, -1], -Infinity, Infinity))));
    }
    this.budgetRow = b.addRange(Array.from({ length: 2 * n }, (_, i) => i), new Array<number>(2 * n).fill(1), -Infinity, radius);
    this.session = solver.open(b.build());
  }

  /** min ‖Δ‖₁ with the target's logit at least `margin` above every other, within min(cap, radius). */
  solve(target: number, cap: number, timeLimitS: number): MilpSolution {
    this.marginRow.forEach((row, j) => row.forEach((r, k) => k !== j && this.session.setConstraintBounds(r, j === target ? 0 : -Infinity, Infinity)));
    this.session.setConstraintBounds(this.budgetRow, -Infinity, Math.min(cap, this.radius));
    const result = this.session.solve({ timeLimitS });
    if (result.values === null || result.objective === null) {
      return { status: result.status === 'optimal' ? 'error' : result.status, value: Infinity, pattern: null, message: result.message };
    }
    const v = result.values;
    let value = 0;
    for (let i = 0; i < 2 * this.n; i++) value += v[i];
    const pattern = this.decision.map((units) => Int8Array.from(units, (d) => (d < 0 ? -1 - d : v[d] > 0.5 ? ACTIVE : INACTIVE)));
    return { status: result.status, value, pattern };
  }

  dispose(): void {
    this.session.dispose();
  }
}
