// Stage t of L0-TRE for a group of samples: every t-pixel subspace of every sample, every grid
// point of it, evaluated in large batches across the group. Per subspace it keeps the largest drop
// of the label's logit (the subspace sensitivity, Definition 7) and the grid point reaching it; per
// sample, the first grid point (in enumeration order) that changes the label, if any.
//
// Unlike the paper, which checks only the most sensitive subspace, every grid point is checked for a
// label change: a subspace may flip the label without lowering the label's logit the most, and the
// lower bound must not miss it. Every point is evaluated anyway, so this costs nothing.
import { ChangeBatch } from './change-batch.js';
import type { LogitEvaluator } from './evaluator.js';
import { binomial, gridPoints } from './grid-points.js';

export interface ScanSample {
  /** the sample's position in the chunk, as the evaluator knows it */
  slot: number;
  x: Float32Array;
  label: number;
  /** the label's logit on the unperturbed input */
  baseLogit: number;
}

export interface Flip {
  pixels: number[];
  values: number[];
  prediction: number;
}

export interface SubspaceScan {
  t: number;
  /** subspaces whose grid points were all evaluated, in lexicographic order from the first */
  subspaces: number;
  /** perturbed inputs evaluated */
  queries: number;
  /** of them, answered by replay rather than by the model */
  replayed: number;
  /** per subspace: its t pixels */
  pixels: Int32Array;
  /** per subspace: base logit − lowest logit of the label over its grid points (≥ 0 is not guaranteed: no point is the original) */
  drop: Float32Array;
  /** per subspace: the t values of the grid point reaching `drop` */
  worst: Float32Array;
  flip: Flip | undefined;
  /** false when the scan stopped early: after a flip (t ≥ 2), or when `stop` said so */
  complete: boolean;
}

export interface ScanOptions {
  t: number;
  grid: Float32Array;
  batchSize: number;
  numClasses: number;
  evaluator: LogitEvaluator;
  /** at t = 1 the whole map is kept after a flip, for the saliency map; later stages stop at the first */
  scanAfterFlip: boolean;
  /** asked between batches; true stops every scan of the group where it stands */
  stop(): boolean;
}

interface Pending {
  sample: number;
  subspace: number;
  /** the subspace's last grid point: once evaluated, the subspace is done */
  last: boolean;
}

export async function scanSubspaces(samples: readonly ScanSample[], options: ScanOptions): Promise<SubspaceScan[]> {
  const { t, numClasses, evaluator } = options;
  const n = samples[0]?.x.length ?? 0;
  const count = binomial(n, t);
  const scans: SubspaceScan[] = samples.map(() => ({
    t,
    subspaces: 0,
    queries: 0,
    replayed: 0,
    pixels: new Int32Array(count * t),
    drop: new Float32Array(count).fill(Number.NEGATIVE_INFINITY),
    worst: new Float32Array(count * t),
    flip: undefined,
    complete: false,
  }));
  const batch = new ChangeBatch(t, options.batchSize);
  const pending: Pending[] = [];
  let stopped = false;

  const flush = async (): Promise<void> => {
    if (batch.size === 0) return;
    const { logits, replayed } = await evaluator.evaluate(batch);
    for (let q = 0; q < batch.size; q++) {
      const { sample, subspace, last } = pending[q];
      const scan = scans[sample];
      scan.queries++;
      scan.replayed += replayed[q];
      if (scan.flip !== undefined && !options.scanAfterFlip) continue;
      if (last) scan.subspaces = subspace + 1;
      const { label, baseLogit } = samples[sample];
      const row = q * numClasses;
      const drop = baseLogit - logits[row + label];
      if (drop > scan.drop[subspace]) {
        scan.drop[subspace] = drop;
        for (let k = 0; k < t; k++) scan.worst[subspace * t + k] = batch.values[q * t + k];
      }
      if (scan.flip === undefined) {
        const prediction = argmax(logits, row, numClasses);
        if (prediction !== label) {
          scan.flip = {
            pixels: Array.from(batch.pixels.subarray(q * t, (q + 1) * t)),
            values: Array.from(batch.values.subarray(q * t, (q + 1) * t)),
            prediction,
          };
        }
      }
    }
    batch.clear();
    pending.length = 0;
    stopped = options.stop();
  };

  for (let s = 0; s < samples.length && !stopped; s++) {
    const scan = scans[s];
    for (const point of gridPoints(samples[s].x, options.grid, t)) {
      scan.pixels.set(point.pixels, point.subspace * t);
      batch.push(samples[s].slot, point.pixels, point.values);
      pending.push({ sample: s, subspace: point.subspace, last: point.last });
      if (batch.full) await flush();
      if (stopped) break;
      if (point.last && scan.flip !== undefined && !options.scanAfterFlip) break;
    }
  }
  // after a stop the queries still pending are dropped: the caller is winding down
  if (!stopped) await flush();
  for (const scan of scans) scan.complete = scan.subspaces === count;
  return scans;
}

/** First index of the largest logit, as tf.argMax and ModelHandle.classify break ties. */
export function argmax(logits: Float32Array, offset: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (logits[offset + k] > logits[offset + best]) best = k;
  return best;
}
