// The LP of one (partial) activation region, kept in a solver session for a whole sample: fixing a
// unit's phase, relaxing it, moving the target or the L1 cap only changes bounds, so the solver
// re-solves from its previous basis.
//
// Variables: Δ⁺, Δ⁻ ≥ 0 per pixel (x = x0 + Δ⁺ − Δ⁻, each bounded by the pixel's room in [0,1], so
// ‖Δ‖₁ = ΣΔ⁺ + ΣΔ⁻ at the optimum), then per layer its pre-activations z and, for ReLU layers, outputs y.
// A fixed active unit has y = z ≥ 0, a fixed inactive one y = 0 ≥ z; a free unit takes the triangle
// relaxation y ≥ 0, y ≥ z, y ≤ u(z − l)/(u − l) of its bounds [l, u] (valid only inside the ball).
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { LinearProgramBuilder } from '../../harness/solvers/linear-program.js';
import type { LpSession, LpSolver, SolveStatus } from '../../harness/solvers/solver.js';
import { ACTIVE, FREE, INACTIVE, type Pattern } from './activation-pattern.js';
import type { Interval } from './ball-bounds.js';

export interface RegionQuery {
  target: number;
  /** FREE units only where `bounds` is given */
  pattern: Pattern;
  /** pre-activation bounds valid where the query applies; null for an exact linear region, unbounded by any ball */
  bounds: readonly Interval[] | null;
  /** ‖Δ‖₁ ≤ cap */
  cap: number;
  /** the target logit must exceed every other by this much */
  margin: number;
  timeLimitS: number;
}

export interface RegionSolution {
  status: SolveStatus;
  /** ‖Δ‖₁ at the optimum */
  value: number;
  x: Float64Array;
  /** per layer: pre-activations and outputs at the optimum */
  pre: Float64Array[];
  post: Float64Array[];
  message?: string;
}

interface Layout {
  z: number[];
  y: number[];
  affineRow: number[];
  /** y − z ≥ 0 */
  lowerRow: number[];
  /** y − s·z ≤ −s·l, the triangle's upper side */
  upperRow: number[];
  /** marginRow[j][k]: z_j − z_k */
  marginRow: number[][];
  budgetRow: number;
}

export class RegionProgram {
  private readonly session: LpSession;
  private readonly layout: Layout;
  private readonly n: number;
  private readonly colLower: Float64Array;
  private readonly colUpper: Float64Array;
  private readonly rowLower: Float64Array;
  private readonly rowUpper: Float64Array;
  /** per layer: the coefficient of z in each unit's triangle row as the solver has it */
  private readonly zCoefficient: Float64Array[];

  constructor(
    solver: LpSolver,
    private readonly net: PiecewiseLinearNet,
    private readonly x0: ArrayLike<number>,
  ) {
    const n = net.inputSize;
    this.n = n;
    const b = new LinearProgramBuilder('minimize');
    for (let i = 0; i < n; i++) b.addVariable({ lower: 0, upper: 1 - x0[i], cost: 1 });
    for (let i = 0; i < n; i++) b.addVariable({ lower: 0, upper: x0[i], cost: 1 });
    const layout: Layout = { z: [], y: [], affineRow: [], lowerRow: [], upperRow: [], marginRow: [], budgetRow: -1 };
    let inputs: number[] = [];
    for (const layer of net.layers) {
      const units = layer.bias.length;
      const z0 = b.variables;
      for (let u = 0; u < units; u++) b.addVariable({ lower: -Infinity });
      layout.z.push(z0);
      const y0 = b.variables;
      if (layer.relu) for (let u = 0; u < units; u++) b.addVariable({ lower: 0 });
      layout.y.push(layer.relu ? y0 : -1);
      const w = layer.weights;
      layout.affineRow.push(b.rows);
      const x0w = inputs.length === 0 ? w.multiply(x0) : undefined;
      for (let u = 0; u < units; u++) {
        const indices: number[] = [z0 + u];
        const values: number[] = [1];
        for (let k = w.rowStart[u]; k < w.rowStart[u + 1]; k++) {
          const j = w.colIndex[k];
          if (inputs.length === 0) {
            indices.push(j, n + j);
            values.push(-w.values[k], w.values[k]);
          } else {
            indices.push(inputs[j]);
            values.push(-w.values[k]);
          }
        }
        const rhs = layer.bias[u] + (x0w === undefined ? 0 : x0w[u]);
        b.addConstraint(indices, values, '=', rhs);
      }
      if (layer.relu) {
        layout.lowerRow.push(b.rows);
        for (let u = 0; u < units; u++) b.addConstraint([y0 + u, z0 + u], [1, -1], '>=', 0);
        layout.upperRow.push(b.rows);
        for (let u = 0; u < units; u++) b.addRange([y0 + u, z0 + u], [1, -1], -Infinity, Infinity);
        inputs = Array.from({ length: units }, (_, u) => y0 + u);
      } else {
        layout.lowerRow.push(-1);
        layout.upperRow.push(-1);
        inputs = Array.from({ length: units }, (_, u) => z0 + u);
      }
    }
    const logits = layout.z[layout.z.length - 1];
    const classes = net.layers[net.layers.length - 1].bias.length;
    for (let j = 0; j < classes; j++) {
      layout.marginRow.push(Array.from({ length: classes }, (_, k) => (k === j ? -1 : b.addRange([logits + j, logits + k], [1, -1], -Infinity, Infinity))));
    }
    layout.budgetRow = b.addRange(Array.from({ length: 2 * n }, (_, i) => i), new Array<number>(2 * n).fill(1), -Infinity, Infinity);
    const program = b.build();
    this.layout = layout;
    this.colLower = program.lower.slice();
    this.colUpper = program.upper.slice();
    this.rowLower = program.rowLower.slice();
    this.rowUpper = program.rowUpper.slice();
    this.zCoefficient = net.layers.map((layer) => new Float64Array(layer.relu ? layer.bias.length : 0).fill(-1));
    this.session = solver.open(program);
  }

  solve(query: RegionQuery): RegionSolution {
    this.configure(query);
    const result = this.session.solve({ timeLimitS: query.timeLimitS });
    if (result.status !== 'optimal' || result.values === null) {
      return { status: result.status === 'optimal' ? 'error' : result.status, value: Infinity, x: new Float64Array(0), pre: [], post: [], message: result.message };
    }
    const v = result.values;
    const x = Float64Array.from({ length: this.n }, (_, i) => this.x0[i] + v[i] - v[this.n + i]);
    const pre: Float64Array[] = [];
    const post: Float64Array[] = [];
    this.net.layers.forEach((layer, l) => {
      const units = layer.bias.length;
      const z = v.slice(this.layout.z[l], this.layout.z[l] + units);
      pre.push(z);
      post.push(layer.relu ? v.slice(this.layout.y[l], this.layout.y[l] + units) : z);
    });
    let value = 0;
    for (let i = 0; i < 2 * this.n; i++) value += v[i];
    return { status: 'optimal', value, x, pre, post };
  }

  dispose(): void {
    this.session.dispose();
  }

  private configure(query: RegionQuery): void {
    const { layout } = this;
    this.net.layers.forEach((layer, l) => {
      const units = layer.bias.length;
      for (let u = 0; u < units; u++) {
        const z = layout.z[l] + u;
        if (!layer.relu) {
          this.setCol(z, -Infinity, Infinity);
          continue;
        }
        const y = layout.y[l] + u;
        const lowerRow = layout.lowerRow[l] + u;
        const upperRow = layout.upperRow[l] + u;
        const lo = query.bounds === null ? -Infinity : query.bounds[l].lower[u];
        const hi = query.bounds === null ? Infinity : query.bounds[l].upper[u];
        let phase = query.pattern[l][u];
        if (phase === FREE && query.bounds === null) throw new Error('a free unit needs bounds to be relaxed');
        if (phase === FREE && lo >= 0) phase = ACTIVE;
        if (phase === FREE && hi <= 0) phase = INACTIVE;
        if (phase === ACTIVE) {
          this.setCol(z, Math.max(lo, 0), hi);
          this.setCol(y, 0, Infinity);
          this.setRow(lowerRow, 0, 0);
          this.setRow(upperRow, -Infinity, Infinity);
        } else if (phase === INACTIVE) {
          this.setCol(z, lo, Math.min(hi, 0));
          this.setCol(y, 0, 0);
          this.setRow(lowerRow, 0, Infinity);
          this.setRow(upperRow, -Infinity, Infinity);
        } else {
          const slope = hi / (hi - lo);
          this.setCol(z, lo, hi);
          this.setCol(y, 0, hi);
          this.setRow(lowerRow, 0, Infinity);
          if (this.zCoefficient[l][u] !== -slope) {
            this.session.setCoefficient(upperRow, z, -slope);
            this.zCoefficient[l][u] = -slope;
          }
          this.setRow(upperRow, -Infinity, -slope * lo);
        }
      }
    });
    layout.marginRow.forEach((row, j) =>
      row.forEach((r, k) => {
        if (k !== j) this.setRow(r, j === query.target ? query.margin : -Infinity, Infinity);
      }),
    );
    this.setRow(layout.budgetRow, -Infinity, query.cap);
  }

  private setCol(col: number, lower: number, upper: number): void {
    if (this.colLower[col] === lower && this.colUpper[col] === upper) return;
    this.colLower[col] = lower;
    this.colUpper[col] = upper;
    this.session.setVariableBounds(col, lower, upper);
  }

  private setRow(row: number, lower: number, upper: number): void {
    if (this.rowLower[row] === lower && this.rowUpper[row] === upper) return;
    this.rowLower[row] = lower;
    this.rowUpper[row] = upper;
    this.session.setConstraintBounds(row, lower, upper);
  }
}
