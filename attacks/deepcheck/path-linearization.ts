// DeepCheck's symbolic execution, done numerically: with x's ReLU activation pattern fixed, every
// pre-activation and every logit is affine in the input, so it is a value at x plus a gradient.
// Logit gradients (the importance coefficients C = ∂y/∂x) come from backward passes, one per class;
// the gradients of the hidden units with respect to one pixel come from a forward pass of that pixel
// alone, computed when a pixel is made symbolic and kept for the pairs it joins.
import { forwardTrace, type PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { SparseRows } from '../../harness/piecewise/sparse-rows.js';

/** Columns of all pixels are kept when they fit in this many doubles (64 MB); larger nets recompute them. */
const COLUMN_CACHE_LIMIT = 8e6;

/** The transposed weights of each layer (columns as rows), for forward passes of a single pixel. */
// keyed by the layers, which every view of one model shares (the harness's metered views are per chunk)
const transposes = new WeakMap<PiecewiseLinearNet['layers'], SparseRows[]>();

function transposesOf(net: PiecewiseLinearNet): SparseRows[] {
  let t = transposes.get(net.layers);
  if (t === undefined) {
    t = net.layers.map((layer) => layer.weights.transpose());
    transposes.set(net.layers, t);
  }
  return t;
}

export class PathLinearization {
  readonly inputSize: number;
  readonly numClasses: number;
  /** ReLU units of every hidden layer, concatenated in layer order */
  readonly units: number;
  /** pre-activation of each ReLU unit at x */
  readonly pre: Float64Array;
  /** whether each ReLU unit is active (pre > 0) at x */
  readonly active: Uint8Array;
  /** logits at x, in float64 */
  readonly logits: Float64Array;
  /** ∂y_k/∂x_j along the path, row-major [class][pixel] */
  readonly logitGradient: Float64Array;
  private readonly unitColumns = new Map<number, Float64Array>();
  private readonly reluLayers: number[];
  private readonly offsets: number[];

  constructor(
    private readonly net: PiecewiseLinearNet,
    readonly x: Float32Array,
  ) {
    this.inputSize = net.inputSize;
    const { pre, post } = forwardTrace(net, x);
    this.reluLayers = net.layers.flatMap((layer, l) => (layer.relu ? [l] : []));
    this.offsets = [];
    let units = 0;
    for (const l of this.reluLayers) {
      this.offsets.push(units);
      units += pre[l].length;
    }
    this.units = units;
    this.pre = new Float64Array(units);
    this.reluLayers.forEach((l, i) => this.pre.set(pre[l], this.offsets[i]));
    this.active = Uint8Array.from(this.pre, (v) => (v > 0 ? 1 : 0));
    this.logits = post[post.length - 1];
    this.numClasses = this.logits.length;
    this.logitGradient = new Float64Array(this.numClasses * this.inputSize);
    for (let k = 0; k < this.numClasses; k++) this.logitGradient.set(this.backward(k), k * this.inputSize);
  }

  /** ∂y_k/∂x along the path: the gradient of one logit pulled back through the masked layers. */
  private backward(k: number): Float64Array {
    const layers = this.net.layers;
    let grad = new Float64Array(layers[layers.length - 1].bias.length);
    grad[k] = 1;
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      if (layer.relu) this.mask(l, grad);
      const w = layer.weights;
      const below = new Float64Array(w.cols);
      for (let r = 0; r < w.rows; r++) {
        const g = grad[r];
        if (g === 0) continue;
        for (let e = w.rowStart[r]; e < w.rowStart[r + 1]; e++) below[w.colIndex[e]] += w.values[e] * g;
      }
      grad = below;
    }
    return grad;
  }

  /** Zeroes the entries of inactive units of ReLU layer l. */
  private mask(l: number, values: Float64Array): void {
    const offset = this.offsets[this.reluLayers.indexOf(l)];
    for (let i = 0; i < values.length; i++) if (this.active[offset + i] === 0) values[i] = 0;
  }

  /** ∂pre_u/∂x_pixel along the path for every ReLU unit u (same order as `pre`). */
  unitGradient(pixel: number): Float64Array {
    let column = this.unitColumns.get(pixel);
    if (column !== undefined) return column;
    column = new Float64Array(this.units);
    const transposed = transposesOf(this.net);
    let below = new Float64Array(this.inputSize);
    below[pixel] = 1;
    for (let l = 0; l < this.net.layers.length - 1; l++) {
      const wt = transposed[l];
      const out = new Float64Array(wt.cols);
      for (let i = 0; i < below.length; i++) {
        const d = below[i];
        if (d === 0) continue;
        for (let e = wt.rowStart[i]; e < wt.rowStart[i + 1]; e++) out[wt.colIndex[e]] += wt.values[e] * d;
      }
      if (this.net.layers[l].relu) {
        column.set(out, this.offsets[this.reluLayers.indexOf(l)]);
        this.mask(l, out);
      }
      below = out;
    }
    if (this.units * this.inputSize <= COLUMN_CACHE_LIMIT) this.unitColumns.set(pixel, column);
    return column;
  }

  /** The class the float64 view picks at x (first maximum, as tf.argMax). */
  argmax(): number {
    let best = 0;
    for (let k = 1; k < this.numClasses; k++) if (this.logits[k] > this.logits[best]) best = k;
    return best;
  }
}
