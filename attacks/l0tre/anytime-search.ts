// The anytime loop of L0-TRE over a set of samples: t = 1, 2, … up to t_max, each stage only on the
// samples whose bounds have not met, stage t's subspace search batched across a group of them.
// Samples are handed back as soon as they are finished, so a stop loses only the unfinished ones.
import type { ModelHandle } from '../../harness/types.js';
import { SampleBounds, type FoundExample, type StageReport } from './bounds.js';
import type { LogitEvaluator } from './evaluator.js';
import { binomial } from './grid-points.js';
import { scanSubspaces, type ScanSample, type SubspaceScan } from './subspace-scan.js';
import { upperBounds, type UpperBound } from './upper-bound.js';

/** Subspaces kept in memory at once (4 + 8t bytes each): bounds how many samples share a stage-t scan, and t itself. */
const SUBSPACES_IN_MEMORY = 4_000_000;

/**
 * Samples scanned before their upper bounds are computed: enough queries to fill large batches, few
 * enough that a budget running out mid-stage leaves most scanned samples with both bounds.
 */
const GROUP_SAMPLES = 64;

/** The largest t ≤ tMax whose scan of one sample fits in memory (t = 3 on MNIST is 80M subspaces: it does not). */
export function feasibleTMax(tMax: number, inputSize: number): number {
  let t = tMax;
  while (t > 1 && binomial(inputSize, t) > SUBSPACES_IN_MEMORY) t--;
  return t;
}

export interface AnytimeOptions {
  tMax: number;
  grid: Float32Array;
  batchSize: number;
  numClasses: number;
  /** classifies the accumulated and tightened candidates */
  model: ModelHandle;
  evaluator: LogitEvaluator;
  /** asked between scan batches (the budget or an abort): once true, no new batch starts, and stays true */
  stop(): boolean;
  /** an abort: even the upper bounds of a finished scan are dropped */
  aborted(): boolean;
  /** each sample's stage-1 scan (its sensitivity map) */
  onFirstScan?(slot: number, scan: SubspaceScan): void;
  /** after each stage, with every sample's bounds */
  onStage?(t: number, bounds: readonly SampleBounds[]): void;
}

export interface Settled {
  slot: number;
  bounds: SampleBounds;
  /** false when a stop ended the search before the sample converged or reached t_max */
  finished: boolean;
}

export async function* anytimeSearch(samples: readonly ScanSample[], options: AnytimeOptions): AsyncGenerator<Settled> {
  const bounds = samples.map(() => new SampleBounds());
  const pending = new Set(samples.map((s) => s.slot));
  const inputSize = samples[0]?.x.length ?? 0;
  // the budget is checked between batches, never before the first: every search makes some progress
  let scanned = false;
  const halted = (): boolean => options.aborted() || (scanned && options.stop());
  for (let t = 1; t <= options.tMax && pending.size > 0 && !halted(); t++) {
    const count = binomial(inputSize, t);
    const groupSize = Math.max(1, Math.min(GROUP_SAMPLES, Math.floor(SUBSPACES_IN_MEMORY / count)));
    const active = samples.filter((s) => pending.has(s.slot));
    for (let start = 0; start < active.length && !halted(); start += groupSize) {
      const group = active.slice(start, start + groupSize);
      const scans = await scanSubspaces(group, {
        t,
        grid: options.grid,
        batchSize: options.batchSize,
        numClasses: options.numClasses,
        evaluator: options.evaluator,
        scanAfterFlip: t === 1,
        stop: options.stop,
      });
      scanned = true;
      if (t === 1) group.forEach((s, g) => options.onFirstScan?.(s.slot, scans[g]));
      const searched = group.flatMap((s, g) => (scans[g].complete && scans[g].flip === undefined ? [{ g, input: { x: s.x, label: s.label, scan: scans[g] } }] : []));
      // a finished scan is worth its upper bounds (a few dozen model queries per sample) even past the budget
      const found = await upperBounds(searched.map((e) => e.input), { model: options.model, stop: options.aborted });
      const upperOf = new Map<number, UpperBound | undefined>(searched.map((e, k) => [e.g, found[k]]));
      for (const [g, sample] of group.entries()) {
        const b = bounds[sample.slot];
        const report = applyStage(b, sample, scans[g], upperOf.get(g));
        if (report === undefined) continue;
        b.stages.push(report);
        if (b.converged || t === options.tMax) {
          pending.delete(sample.slot);
          options.evaluator.release(sample.slot);
          yield { slot: sample.slot, bounds: b, finished: true };
        }
      }
    }
    options.onStage?.(t, bounds);
  }
  for (const slot of pending) {
    options.evaluator.release(slot);
    yield { slot, bounds: bounds[slot], finished: false };
  }
}

/** Updates the bounds with a stage's scan and upper bound; undefined when the stage was cut short and proves nothing. */
function applyStage(b: SampleBounds, sample: ScanSample, scan: SubspaceScan, upper: UpperBound | undefined): StageReport | undefined {
  const { t } = scan;
  let found: FoundExample | null = null;
  if (scan.flip !== undefined) {
    // stages before t found no flip, so no change of fewer pixels does: R = t exactly
    const adversarial = sample.x.slice();
    scan.flip.pixels.forEach((p, k) => (adversarial[p] = scan.flip!.values[k]));
    b.lower = t;
    b.offer(adversarial, t);
    found = { l0: t, accumulated: t, tightening_trials: 0, restored: 0, pixels: scan.flip.pixels.map((p, k) => [p, scan.flip!.values[k]]) };
  } else if (scan.complete) {
    b.lower = t + 1;
    if (upper !== undefined) {
      b.offer(upper.adversarial, upper.pixels.length);
      found = {
        l0: upper.pixels.length,
        accumulated: upper.accumulated,
        tightening_trials: upper.tighteningTrials,
        restored: upper.restored,
        pixels: upper.pixels.map((p) => [p, upper.adversarial[p]]),
      };
    }
  } else {
    return undefined;
  }
  return { t, lower: b.lower, upper: b.upper ?? null, subspaces: scan.subspaces, queries: scan.queries, replayed: scan.replayed, complete: scan.complete, flipped: scan.flip !== undefined, found };
}
