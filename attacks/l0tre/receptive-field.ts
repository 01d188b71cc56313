// Exact incremental evaluation of few-pixel changes (spatial-replay.ts): a pixel reaches only its
// receptive field in the convolutions and pools. On mnist-cnn-l0tre a one-pixel change costs about
// 1/40 of a forward pass this way.
//
// Changes whose boxes stay apart through every spatial layer add up exactly at the first dense layer
// (no position of any layer sees two of them), so at t = 2 most pairs cost only the dense tail: the
// single-pixel replays are cached for the sample being scanned and summed. Pairs whose boxes meet are
// superposed from those replays, recomputing only where their changes interact.
//
// The arithmetic is float64 and the model's is float32: where the two best logits are too close for
// that to be sure, the query is re-evaluated by the model itself, whose answer decides.
//
// Replayed queries bypass the model handle, so they are reported to the harness (`offModel`), which
// counts them in cost.forward like the model's own: either evaluator costs the same queries.
import type { ModelHandle, QueryCounter } from '../../harness/types.js';
import { ChangeBatch } from './change-batch.js';
import { modelEvaluator, type EvaluatedBatch, type LogitEvaluator } from './evaluator.js';
import { denseTail, trace, type LayerStack } from './layer-stack.js';
import { overlaps, replayChange, replaySingle, superpose, type ReplayBase, type SingleReplay } from './spatial-replay.js';

/** Samples whose activations are kept at once: the scans visit samples one after another. */
const CACHED_SAMPLES = 8;

/** Below this gap between the two best logits (relative to their size) the model decides. */
const UNSURE_GAP = 1e-4;

export class ReceptiveFieldEvaluator implements LogitEvaluator {
  readonly name = 'receptive-field';
  /** queries whose logits were too close to call and went to the model */
  rechecked = 0;
  private readonly states = new Map<number, ReplayBase>();
  /** single-pixel replays of one sample (by pixel, then value), reused by its multi-pixel queries */
  private singles = { slot: -1, byPixel: new Map<number, Map<number, SingleReplay>>() };
  private readonly fallback: LogitEvaluator;

  constructor(
    private readonly stack: LayerStack,
    model: ModelHandle,
    private readonly originals: readonly Float32Array[],
    /** where replayed queries are counted (the harness's ctx.offModelForward) */
    private readonly offModel: QueryCounter,
  ) {
    this.fallback = modelEvaluator(model, originals);
  }

  async evaluate(batch: ChangeBatch): Promise<EvaluatedBatch> {
    const classes = this.stack.dense[this.stack.dense.length - 1].units;
    const out = new Float32Array(batch.size * classes);
    const replayed = new Uint8Array(batch.size).fill(1);
    const unsure: number[] = [];
    const width = batch.width;
    for (let q = 0; q < batch.size; q++) {
      const slot = batch.slots[q];
      const state = this.state(slot);
      const z = Float64Array.from(state.trace.firstDensePre);
      for (const dz of this.groupDeltas(slot, state, batch.pixels, batch.values, q * width, width)) {
        for (let u = 0; u < z.length; u++) z[u] += dz[u];
      }
      const logits = denseTail(this.stack, z);
      out.set(logits, q * classes);
      if (unsureArgmax(logits)) unsure.push(q);
    }
    for (const q of unsure) replayed[q] = 0;
    this.offModel.add(batch.size - unsure.length);
    // a scan is many batches in a row: let timers (the runner's deadline, Ctrl-C) run between them
    await new Promise((resolve) => setImmediate(resolve));
    if (unsure.length > 0) {
      this.rechecked += unsure.length;
      const recheck = this.subBatch(batch, unsure);
      const { logits: exact } = await this.fallback.evaluate(recheck);
      unsure.forEach((q, k) => out.set(exact.subarray(k * classes, (k + 1) * classes), q * classes));
    }
    return { logits: out, replayed };
  }

  release(slot: number): void {
    this.states.delete(slot);
    if (this.singles.slot === slot) this.singles = { slot: -1, byPixel: new Map() };
  }

  private state(slot: number): ReplayBase {
    let state = this.states.get(slot);
    if (state === undefined) {
      const x = this.originals[slot];
      state = { x, input: Float64Array.from(x), trace: trace(this.stack, x) };
    }
    this.states.delete(slot);
    this.states.set(slot, state);
    if (this.states.size > CACHED_SAMPLES) this.states.delete(this.states.keys().next().value as number);
    return state;
  }

  /** The first-dense-layer changes of a query, one per group of pixels whose boxes meet. */
  private groupDeltas(slot: number, state: ReplayBase, pixels: Int32Array, values: Float32Array, from: number, count: number): Float64Array[] {
    if (count === 1) return [replayChange(this.stack, state, pixels, values, from, 1).dz];
    const singles = Array.from({ length: count }, (_, k) => this.single(slot, state, pixels[from + k], values[from + k]));
    const group = Int32Array.from({ length: count }, (_, k) => k);
    const find = (k: number): number => (group[k] === k ? k : (group[k] = find(group[k])));
    for (let a = 0; a < count; a++) {
      for (let b = a + 1; b < count; b++) if (overlaps(singles[a].box, singles[b].box)) group[find(a)] = find(b);
    }
    const deltas: Float64Array[] = [];
    for (let root = 0; root < count; root++) {
      const members = [];
      for (let k = 0; k < count; k++) if (find(k) === root) members.push(k);
      if (members.length === 1) deltas.push(singles[root].dz);
      else if (members.length > 1) {
        const parts = members.map((k) => singles[k]);
        deltas.push(superpose(this.stack, state, parts, members.map((k) => pixels[from + k]), members.map((k) => values[from + k])).dz);
      }
    }
    return deltas;
  }

  private single(slot: number, state: ReplayBase, pixel: number, value: number): SingleReplay {
    if (this.singles.slot !== slot) this.singles = { slot, byPixel: new Map() };
    let byValue = this.singles.byPixel.get(pixel);
    if (byValue === undefined) this.singles.byPixel.set(pixel, (byValue = new Map()));
    let replay = byValue.get(value);
    if (replay === undefined) byValue.set(value, (replay = replaySingle(this.stack, state, pixel, value)));
    return replay;
  }

  private subBatch(batch: ChangeBatch, queries: readonly number[]): ChangeBatch {
    const sub = new ChangeBatch(batch.width, queries.length);
    for (const q of queries) sub.push(batch.slots[q], batch.pixels, batch.values, q * batch.width);
    return sub;
  }
}

/** Whether float32 rounding in the model could order the two best logits differently. */
function unsureArgmax(logits: Float64Array): boolean {
  let first = Number.NEGATIVE_INFINITY;
  let second = Number.NEGATIVE_INFINITY;
  let scale = 1;
  for (const v of logits) {
    scale = Math.max(scale, Math.abs(v));
    if (v > first) {
      second = first;
      first = v;
    } else if (v > second) second = v;
  }
  return first - second < UNSURE_GAP * scale;
}
