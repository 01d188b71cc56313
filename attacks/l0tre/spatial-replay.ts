// The incremental replay of a few-pixel change through the spatial layers (convolutions and max
// pools) of a layer stack: each layer is recomputed only in the box of positions the change can
// reach, from the sample's cached activations, and the first dense layer gets the change of its
// pre-activations from the last box alone. Exact, up to float64 rounding.
import type { ConvOp, DenseOp, LayerStack, PoolOp, Shape3, Trace } from './layer-stack.js';

/** Rows [r0, r1) × columns [c0, c1) of one layer's positions. */
export interface Box {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/** The change of one layer's activations, nonzero only inside `box` (all channels). */
export interface Patch {
  box: Box;
  delta: Float64Array;
  /** for a convolution replayed to be superposed: the change before its activation */
  pre?: Float64Array;
}

/** The change a set of pixels makes to the first dense layer's pre-activations, and where it was at the last spatial layer. */
export interface DenseDelta {
  box: Box;
  dz: Float64Array;
}

export const isEmpty = (b: Box): boolean => b.r0 >= b.r1 || b.c0 >= b.c1;
export const overlaps = (a: Box, b: Box): boolean => !isEmpty(a) && !isEmpty(b) && a.r0 < b.r1 && b.r0 < a.r1 && a.c0 < b.c1 && b.c0 < a.c1;

/** Output positions of a window op whose window meets the input box. */
function reach(op: ConvOp | PoolOp, box: Box): Box {
  const [outH, outW] = op.outShape;
  return {
    r0: Math.max(0, Math.ceil((box.r0 + op.padTop - op.kh + 1) / op.sh)),
    r1: Math.min(outH, Math.floor((box.r1 - 1 + op.padTop) / op.sh) + 1),
    c0: Math.max(0, Math.ceil((box.c0 + op.padLeft - op.kw + 1) / op.sw)),
    c1: Math.min(outW, Math.floor((box.c1 - 1 + op.padLeft) / op.sw) + 1),
  };
}

function inputPatch(shape: Shape3, x: Float32Array, pixels: ArrayLike<number>, values: ArrayLike<number>, from: number, count: number): Patch {
  const [, width, channels] = shape;
  const box: Box = { r0: Infinity, r1: -Infinity, c0: Infinity, c1: -Infinity };
  for (let k = from; k < from + count; k++) {
    const position = Math.floor(pixels[k] / channels);
    const r = Math.floor(position / width);
    const c = position % width;
    box.r0 = Math.min(box.r0, r);
    box.r1 = Math.max(box.r1, r + 1);
    box.c0 = Math.min(box.c0, c);
    box.c1 = Math.max(box.c1, c + 1);
  }
  const boxWidth = box.c1 - box.c0;
  const delta = new Float64Array((box.r1 - box.r0) * boxWidth * channels);
  for (let k = from; k < from + count; k++) {
    const p = pixels[k];
    const position = Math.floor(p / channels);
    const r = Math.floor(position / width);
    const c = position % width;
    delta[((r - box.r0) * boxWidth + (c - box.c0)) * channels + (p % channels)] = values[k] - x[p];
  }
  return { box, delta };
}

/** dz (over `box` of the conv's output) += the convolution of the input change: before its activation a convolution is linear. */
function convScatter(op: ConvOp, input: Patch, box: Box, dz: Float64Array): void {
  const [, , cin] = op.inShape;
  const [, , cout] = op.outShape;
  const { kh, kw, sh, sw, padTop, padLeft, kernel } = op;
  const { r0, r1, c0, c1 } = input.box;
  const delta = input.delta;
  const inWidth = c1 - c0;
  const outWidth = box.c1 - box.c0;
  for (let ih = r0; ih < r1; ih++) {
    // kernel rows i that put input row ih on an output row of the box: oh = (ih + padTop − i) / sh
    for (let i = 0; i < kh; i++) {
      const rowTimesStride = ih + padTop - i;
      if (rowTimesStride % sh !== 0) continue;
      const oh = rowTimesStride / sh;
      if (oh < box.r0 || oh >= box.r1) continue;
      for (let iw = c0; iw < c1; iw++) {
        const at = ((ih - r0) * inWidth + (iw - c0)) * cin;
        for (let j = 0; j < kw; j++) {
          const colTimesStride = iw + padLeft - j;
          if (colTimesStride % sw !== 0) continue;
          const ow = colTimesStride / sw;
          if (ow < box.c0 || ow >= box.c1) continue;
          const o = ((oh - box.r0) * outWidth + (ow - box.c0)) * cout;
          const kernelRow = (i * kw + j) * cin;
          for (let ci = 0; ci < cin; ci++) {
            const d = delta[at + ci];
            if (d === 0) continue;
            const k = (kernelRow + ci) * cout;
            for (let co = 0; co < cout; co++) dz[o + co] += d * kernel[k + co];
          }
        }
      }
    }
  }
}

/** The change after the activation, into `out` (which may be dz itself), from the change before it. */
function activate(op: ConvOp, box: Box, dz: Float64Array, pre: Float64Array, post: Float64Array, out: Float64Array): Float64Array {
  if (!op.relu) {
    if (out !== dz) out.set(dz);
    return out;
  }
  const [, outW, cout] = op.outShape;
  const outWidth = box.c1 - box.c0;
  for (let oh = box.r0; oh < box.r1; oh++) {
    for (let ow = box.c0; ow < box.c1; ow++) {
      const base = (oh * outW + ow) * cout;
      const o = ((oh - box.r0) * outWidth + (ow - box.c0)) * cout;
      for (let co = 0; co < cout; co++) {
        const z = pre[base + co] + dz[o + co];
        out[o + co] = (z > 0 ? z : 0) - post[base + co];
      }
    }
  }
  return out;
}

function convPatch(op: ConvOp, input: Patch, pre: Float64Array, post: Float64Array, keepPre: boolean): Patch {
  const box = reach(op, input.box);
  if (isEmpty(box)) return { box, delta: new Float64Array(0) };
  const dz = new Float64Array((box.r1 - box.r0) * (box.c1 - box.c0) * op.outShape[2]);
  convScatter(op, input, box, dz);
  if (!keepPre) return { box, delta: activate(op, box, dz, pre, post, dz) };
  return { box, delta: activate(op, box, dz, pre, post, new Float64Array(dz.length)), pre: dz };
}

function poolPatch(op: PoolOp, input: Patch, before: Float64Array, after: Float64Array): Patch {
  const [height, width, channels] = op.inShape;
  const [, outW] = op.outShape;
  const box = reach(op, input.box);
  if (isEmpty(box)) return { box, delta: new Float64Array(0) };
  const inWidth = input.box.c1 - input.box.c0;
  const outWidth = box.c1 - box.c0;
  const delta = new Float64Array((box.r1 - box.r0) * outWidth * channels);
  const best = new Float64Array(channels);
  for (let oh = box.r0; oh < box.r1; oh++) {
    for (let ow = box.c0; ow < box.c1; ow++) {
      best.fill(Number.NEGATIVE_INFINITY);
      for (let i = 0; i < op.kh; i++) {
        const ih = oh * op.sh + i - op.padTop;
        if (ih < 0 || ih >= height) continue;
        const inRow = ih >= input.box.r0 && ih < input.box.r1;
        for (let j = 0; j < op.kw; j++) {
          const iw = ow * op.sw + j - op.padLeft;
          if (iw < 0 || iw >= width) continue;
          const at = (ih * width + iw) * channels;
          const patched = inRow && iw >= input.box.c0 && iw < input.box.c1 ? ((ih - input.box.r0) * inWidth + (iw - input.box.c0)) * channels : -1;
          for (let c = 0; c < channels; c++) {
            const v = before[at + c] + (patched >= 0 ? input.delta[patched + c] : 0);
            if (v > best[c]) best[c] = v;
          }
        }
      }
      const base = (oh * outW + ow) * channels;
      const o = ((oh - box.r0) * outWidth + (ow - box.c0)) * channels;
      for (let c = 0; c < channels; c++) delta[o + c] = best[c] - after[base + c];
    }
  }
  return { box, delta };
}

/** Observes each spatial layer's change (after its activation), e.g. to see which units it switches on. */
export type LayerObserver = (layer: number, patch: Patch) => void;

/** One input and its activations: what every replay starts from. */
export interface ReplayBase {
  x: Float32Array;
  /** x in float64, what a pool first in the stack reads */
  input: Float64Array;
  trace: Trace;
}

/** Replays pixels[from … from+count) set to values[…]. */
export function replayChange(
  stack: LayerStack,
  base: ReplayBase,
  pixels: ArrayLike<number>,
  values: ArrayLike<number>,
  from: number,
  count: number,
  observe?: LayerObserver,
  keepPre = false,
): DenseDelta {
  let patch = inputPatch(stack.inputShape, base.x, pixels, values, from, count);
  let before = base.input;
  for (const [l, op] of stack.spatial.entries()) {
    if (isEmpty(patch.box)) break;
    const after = base.trace.spatial[l];
    patch = op.kind === 'conv' ? convPatch(op, patch, base.trace.spatialPre[l] as Float64Array, after, keepPre) : poolPatch(op, patch, before, after);
    observe?.(l, patch);
    before = after;
  }
  return firstDenseDelta(stack.dense[0], patch, lastShape(stack));
}

function lastShape(stack: LayerStack): Shape3 {
  const last = stack.spatial[stack.spatial.length - 1];
  return last === undefined ? stack.inputShape : last.outShape;
}

/** A single-pixel change with every spatial layer's patch kept, to be superposed with others. */
export interface SingleReplay extends DenseDelta {
  /** by spatial op index; missing past the layer where the change stops reaching anything */
  layers: Patch[];
}

export function replaySingle(stack: LayerStack, base: ReplayBase, pixel: number, value: number): SingleReplay {
  const layers: Patch[] = [];
  const delta = replayChange(stack, base, [pixel], [value], 0, 1, (l, patch) => (layers[l] = patch), true);
  return { ...delta, layers };
}

/** target (over `box`) += source (over its own box, inside `box`), `channels` values per position. */
function addInto(target: Float64Array, box: Box, source: Float64Array, sourceBox: Box, channels: number, sign: 1 | -1): void {
  const width = box.c1 - box.c0;
  const sourceWidth = sourceBox.c1 - sourceBox.c0;
  for (let r = sourceBox.r0; r < sourceBox.r1; r++) {
    for (let c = sourceBox.c0; c < sourceBox.c1; c++) {
      const to = ((r - box.r0) * width + (c - box.c0)) * channels;
      const from = ((r - sourceBox.r0) * sourceWidth + (c - sourceBox.c0)) * channels;
      for (let k = 0; k < channels; k++) target[to + k] += sign * source[from + k];
    }
  }
}

/** joint − Σ parts over the joint's box, or undefined where that is zero everywhere. */
function interaction(joint: Patch, parts: readonly (Patch | undefined)[], channels: number): Patch | undefined {
  const delta = joint.delta.slice();
  for (const part of parts) if (part !== undefined && !isEmpty(part.box)) addInto(delta, joint.box, part.delta, part.box, channels, -1);
  return delta.some((v) => v !== 0) ? { box: joint.box, delta } : undefined;
}

/**
 * The joint change of several single-pixel changes whose boxes meet, from their replays: at each
 * layer the joint change before a convolution's activation is the sum of theirs plus the convolution
 * of the interaction left by the layer below (the joint change minus the sum of theirs), which is
 * nonzero only where their changes meet in an activation or a pool. Exact, and far cheaper than
 * replaying the pixels together when they meet in few positions.
 */
export function superpose(stack: LayerStack, base: ReplayBase, singles: readonly SingleReplay[], pixels: ArrayLike<number>, values: ArrayLike<number>): DenseDelta {
  let joint = inputPatch(stack.inputShape, base.x, pixels, values, 0, pixels.length);
  // distinct pixels add up exactly in the input
  let left: Patch | undefined;
  let before = base.input;
  for (const [l, op] of stack.spatial.entries()) {
    const after = base.trace.spatial[l];
    if (op.kind === 'conv') {
      const box = reach(op, joint.box);
      if (isEmpty(box)) return { box, dz: new Float64Array(stack.dense[0].units) };
      const channels = op.outShape[2];
      const dz = new Float64Array((box.r1 - box.r0) * (box.c1 - box.c0) * channels);
      for (const s of singles) {
        const part = s.layers[l];
        if (part?.pre !== undefined && !isEmpty(part.box)) addInto(dz, box, part.pre, part.box, channels, 1);
      }
      if (left !== undefined) convScatter(op, left, box, dz);
      joint = { box, delta: activate(op, box, dz, base.trace.spatialPre[l] as Float64Array, after, new Float64Array(dz.length)) };
    } else {
      joint = poolPatch(op, joint, before, after);
      if (isEmpty(joint.box)) return { box: joint.box, dz: new Float64Array(stack.dense[0].units) };
    }
    left = interaction(joint, singles.map((s) => s.layers[l]), op.outShape[2]);
    before = after;
  }
  const dz = new Float64Array(stack.dense[0].units);
  for (const s of singles) for (let u = 0; u < dz.length; u++) dz[u] += s.dz[u];
  if (left !== undefined) {
    const rest = firstDenseDelta(stack.dense[0], left, lastShape(stack)).dz;
    for (let u = 0; u < dz.length; u++) dz[u] += rest[u];
  }
  return { box: joint.box, dz };
}

function firstDenseDelta(first: DenseOp, patch: Patch, [, width, channels]: Shape3): DenseDelta {
  const dz = new Float64Array(first.units);
  if (isEmpty(patch.box)) return { box: patch.box, dz };
  const boxWidth = patch.box.c1 - patch.box.c0;
  for (let r = patch.box.r0; r < patch.box.r1; r++) {
    for (let c = patch.box.c0; c < patch.box.c1; c++) {
      const at = ((r - patch.box.r0) * boxWidth + (c - patch.box.c0)) * channels;
      for (let ch = 0; ch < channels; ch++) {
        const d = patch.delta[at + ch];
        if (d === 0) continue;
        const row = ((r * width + c) * channels + ch) * first.units;
        for (let u = 0; u < first.units; u++) dz[u] += d * first.kernel[row + u];
      }
    }
  }
  return { box: patch.box, dz };
}
