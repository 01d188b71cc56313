// Coverage-driven test generation (the paper's case study three). Neuron coverage is the share of
// hidden units (every position and channel of every convolution, every hidden dense unit) that some
// test switches on (> 0). Starting from the chunk's samples as the test set, every t-pixel grid change
// of every sample is replayed for t = 1, 2, … and kept as a new test when it switches on a unit no
// test has: so each unit gets a test at the smallest L0 distance from the set that reaches it (first
// in enumeration order among equals).
//
// Every replay is a forward query answered without the model: each is reported to the harness
// (`offModel`, ctx.offModelForward). The samples' own traces are not: the model evaluated them already.
import type { ModelHandle, QueryCounter } from '../../harness/types.js';
import { binomial, gridPoints } from './grid-points.js';
import { denseTail, trace, type LayerStack, type Trace } from './layer-stack.js';
import { replayChange } from './spatial-replay.js';

export interface GeneratedTest {
  /** [pixel, value] of the changed pixels */
  pixels: [number, number][];
  /** units this test was the first to switch on */
  neurons: number;
  /** the model's label for it */
  prediction: number;
}

export interface CoverageRow {
  t: number;
  elapsed_s: number;
  tests: number;
  covered: number;
  neurons: number;
  coverage: number;
}

export interface CoverageResult {
  /** per sample: the tests generated from it */
  tests: GeneratedTest[][];
  /** per sample: its grid changes replayed */
  replays: number[];
  neurons: number;
  /** units the samples themselves switch on */
  before: number;
  after: number;
  /** after t = 0 (the samples) and each completed stage */
  rows: CoverageRow[];
  /** false when `stop` cut the search short */
  complete: boolean;
}

export interface CoverageOptions {
  grid: Float32Array;
  tMax: number;
  model: ModelHandle;
  /** where replays are counted as forward queries */
  offModel: QueryCounter;
  /** asked every few hundred replays; once true, stays true */
  stop(): boolean;
}

/** Replays between checks of `stop` (and turns of the event loop, so timers can abort us). */
const CHECK_EVERY = 256;

interface Layout {
  /** first unit index of each spatial layer that is a convolution, by spatial op index */
  conv: Map<number, number>;
  /** first unit index of each hidden dense layer (all dense layers but the last) */
  dense: number[];
  total: number;
}

function layout(stack: LayerStack): Layout {
  let total = 0;
  const conv = new Map<number, number>();
  stack.spatial.forEach((op, l) => {
    if (op.kind !== 'conv') return;
    conv.set(l, total);
    total += op.outShape[0] * op.outShape[1] * op.outShape[2];
  });
  const dense = stack.dense.slice(0, -1).map((op) => {
    const at = total;
    total += op.units;
    return at;
  });
  return { conv, dense, total };
}

export async function generateTests(stack: LayerStack, samples: readonly { x: Float32Array; label: number }[], options: CoverageOptions): Promise<CoverageResult> {
  const started = performance.now();
  const units = layout(stack);
  const covered = new Uint8Array(units.total);
  let count = 0;
  const cover = (unit: number): void => {
    if (covered[unit] === 1) return;
    covered[unit] = 1;
    count++;
  };
  const traces: Trace[] = samples.map((s) => trace(stack, s.x));
  traces.forEach((tr) => {
    for (const [l, at] of units.conv) tr.spatial[l].forEach((v, i) => v > 0 && cover(at + i));
    const hidden: Float64Array[] = [];
    denseTail(stack, tr.firstDensePre, hidden);
    hidden.forEach((values, k) => values.forEach((v, u) => v > 0 && cover(units.dense[k] + u)));
  });
  const before = count;
  const rows: CoverageRow[] = [];
  const row = (t: number, tests: number): CoverageRow => ({
    t,
    elapsed_s: Number(((performance.now() - started) / 1000).toFixed(4)),
    tests,
    covered: count,
    neurons: units.total,
    coverage: Number(((100 * count) / Math.max(1, units.total)).toFixed(4)),
  });
  rows.push(row(0, 0));

  const tests: GeneratedTest[][] = samples.map(() => []);
  const candidates: { sample: number; test: GeneratedTest }[] = [];
  let complete = true;
  let replays = 0;
  const replaysOf = samples.map(() => 0);
  const n = samples[0]?.x.length ?? 0;
  for (let t = 1; t <= options.tMax && count < units.total && complete && binomial(n, t) > 0; t++) {
    for (let s = 0; s < samples.length && complete && count < units.total; s++) {
      const { x } = samples[s];
      const tr = traces[s];
      const base = { x, input: Float64Array.from(x), trace: tr };
      for (const point of gridPoints(x, options.grid, t)) {
        if (++replays % CHECK_EVERY === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          if (options.stop()) {
            complete = false;
            break;
          }
        }
        replaysOf[s]++;
        options.offModel.add(1);
        const newly: number[] = [];
        const { dz } = replayChange(stack, base, point.pixels, point.values, 0, t, (l, patch) => {
          const at = units.conv.get(l);
          if (at === undefined) return;
          const [, width, channels] = stack.spatial[l].outShape;
          const base = tr.spatial[l];
          const boxWidth = patch.box.c1 - patch.box.c0;
          for (let r = patch.box.r0; r < patch.box.r1; r++) {
            for (let c = patch.box.c0; c < patch.box.c1; c++) {
              for (let k = 0; k < channels; k++) {
                const i = (r * width + c) * channels + k;
                if (covered[at + i] === 0 && base[i] + patch.delta[((r - patch.box.r0) * boxWidth + (c - patch.box.c0)) * channels + k] > 0) newly.push(at + i);
              }
            }
          }
        });
        const z = Float64Array.from(tr.firstDensePre, (v, u) => v + dz[u]);
        const hidden: Float64Array[] = [];
        const logits = denseTail(stack, z, hidden);
        hidden.forEach((values, k) => values.forEach((v, u) => v > 0 && covered[units.dense[k] + u] === 0 && newly.push(units.dense[k] + u)));
        if (newly.length === 0) continue;
        newly.forEach(cover);
        const test = { pixels: Array.from(point.pixels, (p, k): [number, number] => [p, point.values[k]]), neurons: new Set(newly).size, prediction: argmax(logits) };
        tests[s].push(test);
        if (test.prediction !== samples[s].label) candidates.push({ sample: s, test });
      }
    }
    if (complete) rows.push(row(t, tests.reduce((sum, list) => sum + list.length, 0)));
  }
  await confirmPredictions(candidates, samples, options.model);
  return { tests, replays: replaysOf, neurons: units.total, before, after: count, rows, complete };
}

/** The model, not float64 replay, has the last word on the label of a test that looks misclassified. */
async function confirmPredictions(candidates: { sample: number; test: GeneratedTest }[], samples: readonly { x: Float32Array }[], model: ModelHandle): Promise<void> {
  if (candidates.length === 0) return;
  const size = model.inputSize;
  const batch = new Float32Array(candidates.length * size);
  candidates.forEach(({ sample, test }, k) => {
    const image = batch.subarray(k * size, (k + 1) * size);
    image.set(samples[sample].x);
    for (const [p, v] of test.pixels) image[p] = v;
  });
  const labels = await model.classify(batch);
  candidates.forEach(({ test }, k) => (test.prediction = labels[k]));
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}
