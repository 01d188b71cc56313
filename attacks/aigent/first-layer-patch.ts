// findFirstLayerMod (Algorithm 1): patch the middle edge layer p = ⌈l/2⌉ of the l edge layers left,
// simulate the patched network to get the values c it gives layer p, make them the target φ′ of the
// layers below (relaxed, see relaxed-target.ts), drop every layer above p, and repeat until the
// first edge layer is patched. Each LP covers half of what is left instead of the whole network.
//
// Each LP keeps the ReLU phases between the patch and its target, so it is exact where it is
// feasible; but a patch that flips a phase above the target (φ′ by `gradient` is first order there)
// can miss. So a stage counts only once its patched network, simulated with real ReLUs, has φ by
// half the margin, and a stage that misses is solved again from where it landed: the phases it
// reached, and φ re-linearised at the values it gave the target layer (Algorithm 1's simulate step,
// repeated). The released code keeps no phase in its LPs and checks nothing until the very end.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ForwardTrace, PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import type { Marks } from './marks.js';
import type { PatchNorm } from './params.js';
import { solvePatch, type PatchTarget } from './patch-lp.js';
import type { PatchSize } from './patch-size.js';
import { propertySlack, type AdversarialProperty } from './property.js';
import { linearisedTarget, relaxedTarget, type LayerTarget, type LayerValues, type Relaxation } from './relaxed-target.js';
import type { SolveReport } from './timed-solve.js';
import { runAbove } from './upper-network.js';

export interface StageReport {
  /** 1-based, as the paper counts edge layers: el_1 feeds on the input */
  edge_layer: number;
  /** 'property' for φ on the logits, else the 1-based edge layer whose outputs are the target */
  target: 'property' | number;
  relaxation: 'property' | Relaxation;
  phases: 'kept' | 'linearized';
  lp: SolveReport;
  /** null when the LP found no patch */
  patch: PatchSize | null;
  /** min over φ's rows of row·logits for the patched network, simulated; null without a patch */
  simulated_slack: number | null;
  /** whether the next stage builds on this patch */
  accepted: boolean;
}

export interface StageTiming {
  step: string;
  report: SolveReport;
  timeMs: number;
}

export interface FirstLayerRequest {
  net: PiecewiseLinearNet;
  input: Float32Array;
  trace: ForwardTrace;
  property: AdversarialProperty;
  marks: Marks;
  /** φ must hold by this much in every accepted stage's simulated network */
  margin: number;
  /** what the LPs aim for, above `margin`, so first-order error leaves the simulated network above it */
  aim: number;
  phaseMargin: number;
  norm: PatchNorm;
  relaxation: Relaxation;
  /** LPs tried per edge layer */
  rounds: number;
  timeLimitS: number;
  signal: AbortSignal;
}

export type FirstLayerResult =
  /** `target` is the first layer's φ′ relaxed by marks, `values` what the patch gives that layer */
  | { kind: 'patched'; stages: StageReport[]; timings: StageTiming[]; target: LayerTarget; values: LayerValues }
  /** no patch of `edgeLayer` reached its target, in the LP or once simulated */
  | { kind: 'failed'; stages: StageReport[]; timings: StageTiming[]; edgeLayer: number }
  | { kind: 'aborted'; stages: StageReport[]; timings: StageTiming[] };

function activate(net: PiecewiseLinearNet, layer: number, pre: Float64Array): LayerValues {
  return { pre, post: net.layers[layer].relu ? pre.map((z) => (z > 0 ? z : 0)) : pre };
}

interface Stage {
  edgeLayer: number;
  /** the layer whose values the target constrains, and what the previous stage set it to */
  above: { layer: number; values: LayerValues } | null;
}

/**
 * Patches one edge layer: up to `rounds` LPs, each started from what the last one reached — its
 * simulated phases above the patch and, under `gradient`, φ re-linearised there. An LP with no
 * solution under kept phases is retried with the phases only linearised, to find somewhere to go.
 */
async function patchStage(request: FirstLayerRequest, stage: Stage, solver: LpSolver, stages: StageReport[], timings: StageTiming[]): Promise<LayerValues | 'aborted' | undefined> {
  const { net, trace, marks, property, margin, aim } = request;
  const layer = stage.edgeLayer - 1;
  const exact: PatchTarget = stage.above === null
    ? { kind: 'property', property, margin: aim }
    : { kind: 'layer', ...relaxedTarget(stage.above.layer, stage.above.values.pre, net.layers[stage.above.layer].relu, marks[stage.above.layer]) };
  let phases: readonly Float64Array[] = trace.pre;
  let keepPhases = true;
  let anchor = stage.above?.values;
  for (let round = 0; round < request.rounds; round++) {
    const target: PatchTarget = stage.above !== null && request.relaxation === 'gradient' && anchor !== undefined
      ? { kind: 'layer', ...linearisedTarget({ net, property, marks, layer: stage.above.layer, anchor, aim: request.aim, phaseMargin: request.phaseMargin }) }
      : exact;
    // LPs are synchronous: let a pending deadline fire and abort before starting the next one
    await yieldToEventLoop();
    if (request.signal.aborted) return 'aborted';
    const outcome = solvePatch(
      { net, input: request.input, trace, phases, layer, target, signs: marks[layer], norm: request.norm, phaseMargin: request.phaseMargin, keepPhases },
      solver,
      request.timeLimitS,
    );
    timings.push({ step: `el${stage.edgeLayer}`, report: outcome.lp, timeMs: outcome.timeMs });
    const report: StageReport = {
      edge_layer: stage.edgeLayer,
      target: target.kind === 'property' ? 'property' : target.layer + 1,
      relaxation: target.kind === 'property' ? 'property' : target.rows.length > 0 ? 'gradient' : 'marks',
      phases: keepPhases ? 'kept' : 'linearized',
      lp: outcome.lp,
      patch: outcome.size,
      simulated_slack: null,
      accepted: false,
    };
    stages.push(report);
    if (outcome.change === null) {
      if (!keepPhases) break;
      keepPhases = false;
      continue;
    }
    const change = outcome.change;
    const patched = activate(net, layer, Float64Array.from(trace.pre[layer], (z, j) => z + change[j]));
    const pass = runAbove(net, layer, patched.post);
    report.simulated_slack = propertySlack(property, pass.logits);
    // half the margin: a patch the LP put exactly at the margin must not fail on the last bit
    if (report.simulated_slack >= margin / 2) {
      report.accepted = true;
      return patched;
    }
    const next = trace.pre.map((pre, l) => (l > layer ? pass.pre[l - layer - 1] : pre));
    // the LP already modelled the simulated network exactly: another round would solve the same LP
    if ((stage.above === null || request.relaxation === 'marks') && samePhases(phases, next)) break;
    phases = next;
    keepPhases = true;
    if (stage.above !== null) anchor = activate(net, stage.above.layer, pass.pre[stage.above.layer - layer - 1]);
  }
  return undefined;
}

function samePhases(a: readonly Float64Array[], b: readonly Float64Array[]): boolean {
  return a.every((layer, l) => layer.every((z, j) => z > 0 === b[l][j] > 0));
}

export async function firstLayerPatch(request: FirstLayerRequest, solver: LpSolver): Promise<FirstLayerResult> {
  const { net, marks } = request;
  const stages: StageReport[] = [];
  const timings: StageTiming[] = [];
  let above: Stage['above'] = null;
  for (let left = net.layers.length; ; ) {
    const edgeLayer = Math.ceil(left / 2);
    const layer = edgeLayer - 1;
    const values = await patchStage(request, { edgeLayer, above }, solver, stages, timings);
    if (values === 'aborted') return { kind: 'aborted', stages, timings };
    if (values === undefined) return { kind: 'failed', stages, timings, edgeLayer };
    if (layer === 0) return { kind: 'patched', stages, timings, target: relaxedTarget(0, values.pre, net.layers[0].relu, marks[0]), values };
    above = { layer, values };
    left = edgeLayer;
  }
}
