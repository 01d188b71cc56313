// Goldberger mode (the paper's Table III): on the same input and φ, the last layer's patch found by
// Goldberger et al.'s LP beside the one AIGENT's marked LP finds. Weights only: it claims no input.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { forwardTrace, type PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import type { SampleInput } from '../../harness/types.js';
import type { SampleResult } from './attack-sample.js';
import { goldbergerPatch } from './goldberger-patch.js';
import { incrementDecrementMarks } from './marks.js';
import type { AigentParams } from './params.js';
import { solvePatch } from './patch-lp.js';
import { adversarialProperty, targetClasses } from './property.js';

export async function comparePatches(net: PiecewiseLinearNet, sample: SampleInput, p: AigentParams, solver: LpSolver, signal: AbortSignal): Promise<SampleResult> {
  const { index, x, prediction } = sample;
  const trace = forwardTrace(net, x);
  const logits = trace.post[trace.post.length - 1];
  const [target] = targetClasses(p.target, logits, prediction);
  if (target === undefined) return { outcome: { status: 'not_found', index, details: { reason: `the target class ${String(p.target)} is the predicted class` } }, timings: [] };
  const property = adversarialProperty(target, prediction, logits.length, typeof p.target === 'number');
  const last = net.layers.length - 1;
  const edgeLayer = last + 1;
  const baseline = goldbergerPatch(net, x, trace, property, p.margin, solver, p.time_limit_s);
  const timings: SampleResult['timings'] = [{ step: `goldberger-el${edgeLayer}`, report: baseline.lp, timeMs: baseline.timeMs, target }];
  await yieldToEventLoop();
  if (signal.aborted) return { outcome: { status: 'timeout', index, message: 'aborted after the Goldberger patch' }, timings };
  const marks = incrementDecrementMarks(net, property);
  const marked = solvePatch(
    { net, input: x, trace, layer: last, target: { kind: 'property', property, margin: p.margin }, signs: marks[last], norm: p.patch_norm, phaseMargin: p.phase_margin, keepPhases: true },
    solver,
    p.time_limit_s,
  );
  timings.push({ step: `el${edgeLayer}`, report: marked.lp, timeMs: marked.timeMs, target });
  const details = {
    reason: 'goldberger mode compares weight patches and claims no input',
    target,
    edge_layer: edgeLayer,
    goldberger: { lp: baseline.lp, patch: baseline.size },
    aigent: { lp: marked.lp, patch: marked.size },
  };
  return { outcome: { status: 'not_found', index, details }, timings };
}
