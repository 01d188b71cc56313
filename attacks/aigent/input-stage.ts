// The last step of a target: mod2adv against the first layer's φ′, and the float64 network's word on
// the input it returns. Under the `gradient` relaxation the first layer's φ′ is first tried linearised
// (fewer pixels: no neuron is pinned to its patched value), re-linearised at the input each try reached,
// and the paper's exact `marks` target — which the first-layer patch meets by construction — comes last.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { forwardTrace, type ForwardTrace, type PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import type { StageTiming } from './first-layer-patch.js';
import type { Marks } from './marks.js';
import { solveInputChange, type PixelSearch } from './mod2adv.js';
import { propertySlack, type AdversarialProperty } from './property.js';
import { linearisedTarget, type LayerTarget, type LayerValues, type Relaxation } from './relaxed-target.js';
import type { SolveReport } from './timed-solve.js';

export interface InputTry {
  relaxation: Relaxation;
  search: PixelSearch;
  /** the first solve: the MILP, or the LP relaxation `sparse_lp` starts from */
  solve: SolveReport;
  solves: number;
  /** a MILP proved the count minimal */
  optimal: boolean;
  /** pixels changed by more than the harness's L0 tolerance; null without an input */
  pixels: number | null;
  /** min over φ's rows at the input found, in the float64 network; null without an input */
  slack: number | null;
}

export interface InputStageRequest {
  net: PiecewiseLinearNet;
  input: Float32Array;
  trace: ForwardTrace;
  property: AdversarialProperty;
  marks: Marks;
  /** the first layer's φ′ from its patch, relaxed by marks */
  exact: LayerTarget;
  /** the first layer's values in the patched network */
  patched: LayerValues;
  relaxation: Relaxation;
  rounds: number;
  margin: number;
  aim: number;
  phaseMargin: number;
  delta: number;
  maxPixels?: number;
  search: PixelSearch;
  timeLimitS: number;
  signal: AbortSignal;
}

export type InputStageResult =
  | { kind: 'found'; adversarial: Float32Array; pixels: number; slack: number; tries: InputTry[]; timings: StageTiming[] }
  | { kind: 'failed'; tries: InputTry[]; timings: StageTiming[] }
  | { kind: 'aborted'; tries: InputTry[]; timings: StageTiming[] };

/** Pixels changed by more than `tolerance` (the harness counts L0 the same way). */
export function changedPixels(original: Float32Array, moved: Float32Array, tolerance: number): number {
  let count = 0;
  for (let i = 0; i < original.length; i++) if (Math.abs(moved[i] - original[i]) > tolerance) count++;
  return count;
}

export async function inputStage(request: InputStageRequest, solver: LpSolver, l0Tolerance: number): Promise<InputStageResult> {
  const { net, input, property } = request;
  const tries: InputTry[] = [];
  const timings: StageTiming[] = [];
  const attempt = async (target: LayerTarget, relaxation: Relaxation): Promise<{ adversarial: Float32Array; entry: InputTry; reached: ForwardTrace } | 'aborted' | null> => {
    await yieldToEventLoop();
    if (request.signal.aborted) return 'aborted';
    const change = solveInputChange({ layer: net.layers[0], input, pre: request.trace.pre[0], target, delta: request.delta, maxPixels: request.maxPixels }, solver, request.timeLimitS, request.search);
    timings.push(...change.solves.map(({ report, timeMs }) => ({ step: 'mod2adv', report, timeMs })));
    const entry: InputTry = { relaxation, search: request.search, solve: change.solves[0].report, solves: change.solves.length, optimal: change.optimal, pixels: null, slack: null };
    tries.push(entry);
    if (change.adversarial === null) return null;
    const reached = forwardTrace(net, change.adversarial);
    entry.pixels = changedPixels(input, change.adversarial, l0Tolerance);
    entry.slack = propertySlack(property, reached.post[reached.post.length - 1]);
    return { adversarial: change.adversarial, entry, reached };
  };
  // half the margin: the exact target's input sits at the patched network's slack (≥ margin) up to rounding
  const holds = (entry: InputTry): boolean => entry.slack !== null && entry.slack >= request.margin / 2;

  let anchor = request.patched;
  for (let round = 0; request.relaxation === 'gradient' && round < request.rounds; round++) {
    const target = linearisedTarget({ net, property, marks: request.marks, layer: 0, anchor, aim: request.aim, phaseMargin: request.phaseMargin });
    const found = await attempt(target, 'gradient');
    if (found === 'aborted') return { kind: 'aborted', tries, timings };
    // without an input the anchor stays put, and the next linearised program would be this one again
    if (found === null) break;
    if (holds(found.entry)) return { kind: 'found', adversarial: found.adversarial, pixels: found.entry.pixels as number, slack: found.entry.slack as number, tries, timings };
    anchor = { pre: found.reached.pre[0], post: found.reached.post[0] };
  }
  const found = await attempt(request.exact, 'marks');
  if (found === 'aborted') return { kind: 'aborted', tries, timings };
  if (found !== null && holds(found.entry)) return { kind: 'found', adversarial: found.adversarial, pixels: found.entry.pixels as number, slack: found.entry.slack as number, tries, timings };
  return { kind: 'failed', tries, timings };
}
