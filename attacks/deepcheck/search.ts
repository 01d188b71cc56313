// DeepCheck-tPA on one image: make each candidate's pixels symbolic in turn and ask the engine the
// exact question (is there a label change along x's path?). Unsat is a guarantee for that candidate;
// sat is followed by the witness question with margins, whose model becomes the attack image, and the
// model under attack confirms it before it is reported.
import type { SmtEngine } from '../../harness/solvers/smt/engine.js';
import type { SmtResult } from '../../harness/solvers/smt/problem.js';
import type { ModelHandle } from '../../harness/types.js';
import { candidates, type SearchOrder } from './candidates.js';
import type { PathLinearization } from './path-linearization.js';
import { pathProblem, type LabelGoal } from './path-problem.js';

export interface SearchSettings {
  t: 1 | 2;
  order: SearchOrder;
  /** the pixels the order draws from (orderedPixels) */
  pixels: Int32Array;
  /** stop at the first confirmed attack, or decide every candidate */
  mode: 'first' | 'all';
  margin: number;
  goal: LabelGoal;
}

export interface Attack {
  pixels: number[];
  image: Float32Array;
  /** 1-based position of the candidate in the search order */
  position: number;
  /** solver queries made up to and including this attack's witness */
  solverCalls: number;
}

export interface SearchResult {
  /** attacks the model confirmed, in search order */
  attacks: Attack[];
  /** candidates proven to have no label change along x's path */
  unattackable: number[][];
  /** candidates with a label change only within the margin of a ReLU kink or of a tie */
  boundary: number[][];
  /** witnesses the float32 model did not confirm (the margin was too thin for it) */
  unconfirmed: number[][];
  checked: number;
  solverCalls: number;
  /** false when the signal stopped the search before every candidate was decided */
  complete: boolean;
}

/** Wall time of synchronous work between returns to the event loop, so deadlines and Ctrl-C get through. */
const SLICE_MS = 10;

function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function withPixels(x: Float32Array, pixels: readonly number[], values: Float64Array): Float32Array {
  const image = x.slice();
  // a model is rounded to doubles, which may put a bound value an ulp outside the box
  pixels.forEach((p, i) => (image[p] = Math.min(1, Math.max(0, values[i]))));
  return image;
}

async function confirmed(model: ModelHandle, images: readonly Float32Array[], goal: LabelGoal): Promise<boolean[]> {
  if (images.length === 0) return [];
  const batch = new Float32Array(images.length * model.inputSize);
  images.forEach((image, i) => batch.set(image, i * model.inputSize));
  const labels = await model.classify(batch);
  return Array.from(labels, (label) => (goal.target === undefined ? label !== goal.label : label === goal.target));
}

/** A linear problem in one or two variables is always decidable: 'unknown' means the engine failed. */
function decided(result: SmtResult, pixels: readonly number[]): Exclude<SmtResult, { status: 'unknown' }> {
  if (result.status === 'unknown') throw new Error(`the solver could not decide pixels ${pixels.join(', ')}: ${result.reason}`);
  return result;
}

export async function searchAttacks(path: PathLinearization, model: ModelHandle, engine: SmtEngine, settings: SearchSettings, signal: AbortSignal): Promise<SearchResult> {
  const result: SearchResult = { attacks: [], unattackable: [], boundary: [], unconfirmed: [], checked: 0, solverCalls: 0, complete: false };
  const pending: Attack[] = [];
  const solve = (pixels: number[], margin: number) => {
    result.solverCalls++;
    return engine.solve(pathProblem(path, pixels, settings.goal, margin));
  };
  let sliceStart = performance.now();
  for (const pixels of candidates(settings.t, settings.order, settings.pixels)) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await breathe();
      sliceStart = performance.now();
    }
    if (signal.aborted) return result;
    result.checked++;
    const exact = decided(await solve(pixels, 0), pixels);
    if (exact.status === 'unsat') {
      result.unattackable.push(pixels);
      continue;
    }
    const witness = decided(await solve(pixels, settings.margin), pixels);
    if (witness.status === 'unsat') {
      result.boundary.push(pixels);
      continue;
    }
    const attack = { pixels, image: withPixels(path.x, pixels, witness.model), position: result.checked, solverCalls: result.solverCalls };
    if (settings.mode === 'all') {
      pending.push(attack);
      continue;
    }
    const [ok] = await confirmed(model, [attack.image], settings.goal);
    if (ok) {
      result.attacks.push(attack);
      result.complete = true;
      return result;
    }
    result.unconfirmed.push(pixels);
  }
  const verdicts = await confirmed(model, pending.map((a) => a.image), settings.goal);
  pending.forEach((attack, i) => {
    if (verdicts[i]) result.attacks.push(attack);
    else result.unconfirmed.push(attack.pixels);
  });
  result.complete = true;
  return result;
}
