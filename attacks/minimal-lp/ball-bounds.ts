// Pre-activation bounds of every layer over the L1 ball ∩ box around x0: the paper's
// GetSwitchingNodes (a unit switches when its bounds straddle 0) and GetInputRegions (Lemma 2).
//
// The first layer is exact (a knapsack over the ball). Deeper layers intersect two sound bounds:
// plain interval arithmetic, and Lemma 2 composed through the layers, which tracks every layer's
// output as y(x0) + M·Δx + e with ‖e‖₁ ≤ E — M the local linear map at x0, e the error of the units
// that switch, bounded by ‖ΔĀ‖·(the layer input's perturbation) as in the paper's equation (5).
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { forwardTrace } from '../../harness/piecewise/affine-view.js';
import { ACTIVE, FREE, freePattern, INACTIVE, type Pattern } from './activation-pattern.js';
import { relaxedMax } from './back-substitution.js';
import { rangeOverBall } from './l1-ball.js';

export interface Interval {
  lower: Float64Array;
  upper: Float64Array;
}

/** Float64 rounding in the bound arithmetic must never cut off a reachable point. */
function widen(value: number, direction: 1 | -1): number {
  return value + direction * 1e-9 * (1 + Math.abs(value));
}

/** Per layer, bounds on the pre-activations of every x with ‖x − x0‖₁ ≤ radius and x ∈ [0,1]ⁿ. */
export function ballBounds(net: PiecewiseLinearNet, x0: ArrayLike<number>, radius: number): Interval[] {
  const n = net.inputSize;
  const { pre } = forwardTrace(net, x0);
  const bounds: Interval[] = [];
  const free = freePattern(net);
  // the chain of Lemma 2: rows of M (dense, one per unit of the previous layer) and the error budget E
  let chain: Float64Array[] = [];
  let error = 0;
  for (const [l, layer] of net.layers.entries()) {
    const units = layer.bias.length;
    const lower = new Float64Array(units);
    const upper = new Float64Array(units);
    const gains: Float64Array[] = [];
    const previous = bounds[l - 1];
    for (let i = 0; i < units; i++) {
      const g = l === 0 ? layer.weights.denseRow(i) : combine(layer, i, chain, n);
      gains.push(g);
      const { down, up } = rangeOverBall(g, x0, radius);
      const spill = l === 0 ? 0 : rowMaxAbs(layer, i) * error;
      lower[i] = pre[l][i] + down - spill;
      upper[i] = pre[l][i] + up + spill;
      if (previous !== undefined) {
        const [lo, hi] = intervalRow(layer, i, previous, net.layers[l - 1].relu);
        lower[i] = Math.max(lower[i], lo);
        upper[i] = Math.min(upper[i], hi);
      }
    }
    if (l > 0 && layer.relu) backSubstitute(net, bounds, free, l, { lower, upper }, x0, radius);
    for (let i = 0; i < units; i++) {
      lower[i] = widen(lower[i], -1);
      upper[i] = widen(upper[i], 1);
    }
    bounds.push({ lower, upper });
    if (!layer.relu) continue;

    const activeAtX0 = (i: number): boolean => pre[l][i] > 0;
    const switching = (i: number): boolean => (activeAtX0(i) ? lower[i] < 0 : upper[i] > 0);
    // |e_i| ≤ min(the unit's own side of its interval, |Δz_i|); summed, the second is Lemma 2's ‖ΔĀ‖ bound
    let sides = 0;
    for (let i = 0; i < units; i++) if (switching(i)) sides += activeAtX0(i) ? -lower[i] : upper[i];
    const lemma2 = columnNorm(gains, switching) * radius + (l === 0 ? 0 : columnNorm(weightRows(layer), switching) * error);
    const carried = l === 0 ? 0 : columnNorm(weightRows(layer), activeAtX0) * error;
    error = carried + Math.min(sides, lemma2);
    chain = gains.map((g, i) => (activeAtX0(i) ? g : new Float64Array(0)));
  }
  return bounds;
}

/**
 * Bounds within the part of the ball where `pattern` holds: fixed phases clip their units, and the
 * interval arithmetic and back-substitution of later layers see it. Null when the pattern is empty there.
 */
export function patternBounds(net: PiecewiseLinearNet, ball: readonly Interval[], pattern: Pattern, x0: ArrayLike<number>, radius: number): Interval[] | null {
  const bounds: Interval[] = [];
  for (const [l, layer] of net.layers.entries()) {
    const lower = ball[l].lower.slice();
    const upper = ball[l].upper.slice();
    const previous = bounds[l - 1];
    if (l > 0 && layer.relu) backSubstitute(net, bounds, pattern, l, { lower, upper }, x0, radius);
    for (let i = 0; i < lower.length; i++) {
      if (previous !== undefined) {
        const [lo, hi] = intervalRow(layer, i, previous, net.layers[l - 1].relu);
        lower[i] = Math.max(lower[i], widen(lo, -1));
        upper[i] = Math.min(upper[i], widen(hi, 1));
      }
      const phase = layer.relu ? pattern[l][i] : FREE;
      if (phase === ACTIVE) lower[i] = Math.max(lower[i], 0);
      if (phase === INACTIVE) upper[i] = Math.min(upper[i], 0);
      if (lower[i] > upper[i]) return null;
    }
    bounds.push({ lower, upper });
  }
  return bounds;
}

/** Tightens the undecided units of layer l (in place) with the back-substituted relaxation of the layers below. */
function backSubstitute(net: PiecewiseLinearNet, below: readonly Interval[], pattern: Pattern, l: number, into: Interval, x0: ArrayLike<number>, radius: number): void {
  const units = into.lower.length;
  for (let i = 0; i < units; i++) {
    if (pattern[l][i] !== FREE || into.lower[i] >= 0 || into.upper[i] <= 0) continue;
    const unit = new Float64Array(units);
    unit[i] = 1;
    const hi = relaxedMax(net, below, pattern, l, unit, x0, radius);
    unit[i] = -1;
    const lo = -relaxedMax(net, below, pattern, l, unit, x0, radius);
    into.lower[i] = Math.max(into.lower[i], widen(lo, -1));
    into.upper[i] = Math.min(into.upper[i], widen(hi, 1));
  }
}

/** Row i of W_l · M, where M's rows are the chain's rows for the previous layer (empty rows are zero). */
function combine(layer: PiecewiseLinearNet['layers'][number], i: number, chain: readonly Float64Array[], n: number): Float64Array {
  const g = new Float64Array(n);
  const w = layer.weights;
  for (let k = w.rowStart[i]; k < w.rowStart[i + 1]; k++) {
    const row = chain[w.colIndex[k]];
    if (row.length === 0) continue;
    const weight = w.values[k];
    for (let j = 0; j < n; j++) g[j] += weight * row[j];
  }
  return g;
}

function rowMaxAbs(layer: PiecewiseLinearNet['layers'][number], i: number): number {
  const w = layer.weights;
  let max = 0;
  for (let k = w.rowStart[i]; k < w.rowStart[i + 1]; k++) max = Math.max(max, Math.abs(w.values[k]));
  return max;
}

function weightRows(layer: PiecewiseLinearNet['layers'][number]): Float64Array[] {
  return Array.from({ length: layer.bias.length }, (_, i) => layer.weights.denseRow(i));
}

/** The induced 1→1 norm of the selected rows: the largest column sum of absolute values. */
function columnNorm(rows: readonly Float64Array[], selected: (i: number) => boolean): number {
  let sums: Float64Array | undefined;
  rows.forEach((row, i) => {
    if (!selected(i)) return;
    sums ??= new Float64Array(row.length);
    for (let j = 0; j < row.length; j++) sums[j] += Math.abs(row[j]);
  });
  return sums === undefined ? 0 : sums.reduce((a, b) => Math.max(a, b), 0);
}

/** Interval arithmetic for unit i from the previous layer's pre-activation bounds (through its ReLU). */
function intervalRow(layer: PiecewiseLinearNet['layers'][number], i: number, previous: Interval, relu: boolean): [number, number] {
  const w = layer.weights;
  let lo = layer.bias[i];
  let hi = layer.bias[i];
  for (let k = w.rowStart[i]; k < w.rowStart[i + 1]; k++) {
    const j = w.colIndex[k];
    const a = relu ? Math.max(previous.lower[j], 0) : previous.lower[j];
    const b = relu ? Math.max(previous.upper[j], 0) : previous.upper[j];
    const weight = w.values[k];
    lo += weight > 0 ? weight * a : weight * b;
    hi += weight > 0 ? weight * b : weight * a;
  }
  return [lo, hi];
}
