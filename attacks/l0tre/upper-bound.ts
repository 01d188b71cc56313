// Upper bounds at stage t (Section 4.2): apply the subspaces' worst grid points in order of
// sensitivity, accumulating, until the label changes; then tighten. All samples of the group move
// together, so each model call carries one candidate (or a round of candidates) per sample.
import type { ModelHandle } from '../../harness/types.js';
import { stack } from '../shared/batch.js';
import type { SubspaceScan } from './subspace-scan.js';

export interface UpperBoundInput {
  x: Float32Array;
  label: number;
  scan: SubspaceScan;
}

export interface UpperBound {
  adversarial: Float32Array;
  /** the changed pixels of `adversarial` */
  pixels: number[];
  /** pixels changed by the accumulation when the label first changed, before tightening */
  accumulated: number;
  /** candidates the tightening classified */
  tighteningTrials: number;
  /** pixels it restored to their original value */
  restored: number;
}

export interface UpperBoundOptions {
  model: ModelHandle;
  /** asked between model calls; true abandons the samples still searching (tightening keeps what it has) */
  stop(): boolean;
}

/** Subspaces in order of decreasing sensitivity; ties keep lexicographic order. */
export function bySensitivity(scan: SubspaceScan): Int32Array {
  const order = Int32Array.from({ length: scan.subspaces }, (_, i) => i);
  return order.sort((a, b) => scan.drop[b] - scan.drop[a] || a - b);
}

const FIRST_ROUND = 4;
const LAST_ROUND = 128;

interface Accumulation {
  input: UpperBoundInput;
  order: Int32Array;
  /** next subspace of `order` to apply */
  next: number;
  current: Float32Array;
  /** pixels set so far, in the order they were set */
  set: number[];
  isSet: Uint8Array;
}

/**
 * The first accumulation of worst grid points that changes the label, per sample (undefined where
 * none does, or the search was stopped). A pixel keeps the value of the most sensitive subspace
 * that set it; a subspace adding no new pixel adds no candidate.
 */
async function accumulate(inputs: readonly UpperBoundInput[], options: UpperBoundOptions): Promise<({ adversarial: Float32Array; pixels: number[] } | undefined)[]> {
  const found: ({ adversarial: Float32Array; pixels: number[] } | undefined)[] = inputs.map(() => undefined);
  let active: { at: number; acc: Accumulation }[] = inputs.map((input, at) => ({
    at,
    acc: { input, order: bySensitivity(input.scan), next: 0, current: input.x.slice(), set: [], isSet: new Uint8Array(input.x.length) },
  }));
  // Most labels change within a few dozen prefixes: rounds start small and double, so little is
  // evaluated past the first change, while long accumulations still get large batches.
  for (let perSample = FIRST_ROUND; active.length > 0 && !options.stop(); perSample = Math.min(2 * perSample, LAST_ROUND)) {
    const candidates: Float32Array[] = [];
    const owners: { entry: { at: number; acc: Accumulation }; pixelsSet: number }[] = [];
    for (const entry of active) {
      const { acc } = entry;
      const { scan } = acc.input;
      const t = scan.t;
      for (let made = 0; made < perSample && acc.next < acc.order.length; ) {
        const subspace = acc.order[acc.next++];
        let added = false;
        for (let k = 0; k < t; k++) {
          const pixel = scan.pixels[subspace * t + k];
          if (acc.isSet[pixel] === 1) continue;
          acc.isSet[pixel] = 1;
          acc.current[pixel] = scan.worst[subspace * t + k];
          acc.set.push(pixel);
          added = true;
        }
        if (!added) continue;
        candidates.push(acc.current.slice());
        owners.push({ entry, pixelsSet: acc.set.length });
        made++;
      }
    }
    if (candidates.length === 0) break;
    const predictions = await options.model.classify(stack(candidates, options.model.inputSize));
    const settled = new Set<number>();
    for (let c = 0; c < candidates.length; c++) {
      const { entry, pixelsSet } = owners[c];
      if (settled.has(entry.at) || predictions[c] === entry.acc.input.label) continue;
      settled.add(entry.at);
      found[entry.at] = { adversarial: candidates[c], pixels: entry.acc.set.slice(0, pixelsSet) };
    }
    active = active.filter(({ at, acc }) => !settled.has(at) && acc.next < acc.order.length);
  }
  return found;
}

interface Tightening {
  at: number;
  x: Float32Array;
  label: number;
  adversarial: Float32Array;
  /** changed pixels still to try in this pass, in the order they were set */
  pixels: number[];
  cursor: number;
  restoredThisPass: boolean;
  trials: number;
  restored: number;
}

/**
 * Restores changed pixels one at a time, keeping each restoration under which the label stays
 * changed, in passes until a pass restores nothing. A restoration that fails leaves the pixel at its
 * own adversarial value (the released code puts back the first pixel's value instead).
 */
async function tighten(states: Tightening[], options: UpperBoundOptions): Promise<void> {
  let active = states.filter((s) => s.pixels.length > 0);
  while (active.length > 0 && !options.stop()) {
    const candidates = active.map((s) => {
      const candidate = s.adversarial.slice();
      const pixel = s.pixels[s.cursor];
      candidate[pixel] = s.x[pixel];
      return candidate;
    });
    const predictions = await options.model.classify(stack(candidates, options.model.inputSize));
    for (const [c, s] of active.entries()) {
      s.trials++;
      if (predictions[c] !== s.label) {
        s.adversarial = candidates[c];
        s.pixels.splice(s.cursor, 1);
        s.restored++;
        s.restoredThisPass = true;
      } else {
        s.cursor++;
      }
      if (s.cursor >= s.pixels.length && s.restoredThisPass) {
        s.cursor = 0;
        s.restoredThisPass = false;
      }
    }
    active = active.filter((s) => s.cursor < s.pixels.length && s.pixels.length > 0);
  }
}

/** Per sample: the tightened adversarial of stage t, or undefined when the accumulation found none (or was stopped). */
export async function upperBounds(inputs: readonly UpperBoundInput[], options: UpperBoundOptions): Promise<(UpperBound | undefined)[]> {
  const found = await accumulate(inputs, options);
  const states: Tightening[] = [];
  found.forEach((f, at) => {
    if (f === undefined) return;
    states.push({ at, x: inputs[at].x, label: inputs[at].label, adversarial: f.adversarial, pixels: f.pixels.slice(), cursor: 0, restoredThisPass: false, trials: 0, restored: 0 });
  });
  await tighten(states, options);
  const results: (UpperBound | undefined)[] = inputs.map(() => undefined);
  for (const s of states) {
    const accumulated = (found[s.at] as { pixels: number[] }).pixels.length;
    results[s.at] = { adversarial: s.adversarial, pixels: s.pixels.slice().sort((a, b) => a - b), accumulated, tighteningTrials: s.trials, restored: s.restored };
  }
  return results;
}
