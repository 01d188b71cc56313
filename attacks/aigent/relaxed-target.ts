// φ′: the values c a patch gives one layer, as a target for the layers below it.
//
// `marks` is the paper's relaxation: ask for v = c, then let an INC neuron end anywhere above c and a
// DEC one anywhere below, since moving that way never hurts φ. Behind a ReLU the target is on the
// output max(0, z), so it is stated on z: reaching c = 0 means z ≤ 0 (an INC neuron at 0 is already as
// low as it gets: no bound), and a FREE neuron, which φ does not depend on, has no bound at all.
//
// Below the last hidden layer nearly every neuron is MIXED, so `marks` pins most of a layer to exact
// values, more equalities than the patch one layer down has free weights to meet. `gradient` instead
// asks φ, linearised at an anchor (the previous stage's c, or the point the last try reached), to hold
// by the margin: one row per row of φ over the neurons active at the anchor (kept active so the row is
// exact in them), and the paper's bounds for the inactive ones (z ≤ 0 unless INC). It is exact while
// the phases above the layer hold; each stage checks it by simulating the network (first-layer-patch.ts).
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { DEC, FREE, INC } from './marks.js';
import { phaseBound } from './phase-bound.js';
import type { AdversarialProperty } from './property.js';
import { propertyGradients, runAbove } from './upper-network.js';

/** Σ_j coefficients[j]·z_j ≥ lower over the pre-activations z of the target layer. */
export interface TargetRow {
  coefficients: Float64Array;
  lower: number;
}

export interface LayerTarget {
  /** index of the affine layer whose pre-activations are constrained */
  layer: number;
  lower: Float64Array;
  upper: Float64Array;
  rows: TargetRow[];
}

export type Relaxation = 'marks' | 'gradient';

/** The paper's φ′ for `layer` from its patched pre-activations `pre`. */
export function relaxedTarget(layer: number, pre: ArrayLike<number>, relu: boolean, marks: ArrayLike<number>): LayerTarget {
  const size = pre.length;
  const lower = new Float64Array(size).fill(-Infinity);
  const upper = new Float64Array(size).fill(Infinity);
  for (let j = 0; j < size; j++) {
    const mark = marks[j];
    if (mark === FREE) continue;
    if (relu && pre[j] <= 0) {
      if (mark !== INC) upper[j] = 0;
      continue;
    }
    if (mark !== DEC) lower[j] = pre[j];
    if (mark !== INC) upper[j] = pre[j];
  }
  return { layer, lower, upper, rows: [] };
}

interface GradientTargetInput {
  layer: number;
  /** pre-activations of the layer at the anchor */
  pre: ArrayLike<number>;
  relu: boolean;
  marks: ArrayLike<number>;
  /** per row of φ: its gradient with respect to the layer's outputs at the anchor */
  gradients: Float64Array[];
  /** per row of φ: its value at the anchor */
  values: number[];
  margin: number;
  phaseMargin: number;
}

/** φ linearised at the anchor, as a target for the layer's pre-activations. */
function gradientTarget(input: GradientTargetInput): LayerTarget {
  const { layer, pre, relu, marks } = input;
  const size = pre.length;
  const lower = new Float64Array(size).fill(-Infinity);
  const upper = new Float64Array(size).fill(Infinity);
  const active: number[] = [];
  for (let j = 0; j < size; j++) {
    if (marks[j] === FREE) continue;
    if (relu && pre[j] <= 0) {
      if (marks[j] !== INC) upper[j] = 0;
      continue;
    }
    active.push(j);
    if (relu) lower[j] = phaseBound(pre[j], input.phaseMargin).lower;
  }
  const rows = input.gradients.map((gradient, r) => {
    const coefficients = new Float64Array(size);
    let bound = input.margin - input.values[r];
    for (const j of active) {
      coefficients[j] = gradient[j];
      bound += gradient[j] * pre[j];
    }
    return { coefficients, lower: bound };
  });
  return { layer, lower, upper, rows };
}

/** A layer's values: before and after its ReLU. */
export interface LayerValues {
  pre: Float64Array;
  post: Float64Array;
}

export interface LinearisationPoint {
  net: PiecewiseLinearNet;
  property: AdversarialProperty;
  marks: ArrayLike<number>[];
  layer: number;
  anchor: LayerValues;
  /** the margin φ's rows must reach */
  aim: number;
  phaseMargin: number;
}

/** φ linearised at `anchor`, the values of `layer`, through the original network above it. */
export function linearisedTarget(point: LinearisationPoint): LayerTarget {
  const { net, property, layer, anchor } = point;
  const pass = runAbove(net, layer, anchor.post);
  const values = property.rows.map((row) => row.reduce((sum, w, k) => sum + w * pass.logits[k], 0));
  const gradients = propertyGradients(net, layer, pass, property);
  return gradientTarget({ layer, pre: anchor.pre, relu: net.layers[layer].relu, marks: point.marks[layer], gradients, values, margin: point.aim, phaseMargin: point.phaseMargin });
}
