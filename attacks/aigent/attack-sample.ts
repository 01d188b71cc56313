// One sample in patch mode: for each target class in turn, patch down to the first edge layer, turn
// that patch into the fewest changed pixels, and keep the first input the float64 network confirms.
// Every step that fails says where in `details`, so a not_found names the layer or mod2adv.
import { forwardTrace, type PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import type { SampleInput, SampleOutcome } from '../../harness/types.js';
import { L0_TOLERANCE } from '../../metrics/distances.js';
import { firstLayerPatch, type StageReport, type StageTiming } from './first-layer-patch.js';
import { inputStage, type InputTry } from './input-stage.js';
import { incrementDecrementMarks } from './marks.js';
import type { AigentParams } from './params.js';
import { adversarialProperty, propertySlack, targetClasses } from './property.js';

export interface AttemptReport {
  target: number;
  stages: StageReport[];
  /** empty when a patch LP failed first */
  mod2adv: InputTry[];
  /** where the attempt stopped: an edge layer ('el2'), 'mod2adv', or null on success */
  failed: string | null;
}

export interface SampleResult {
  outcome: SampleOutcome;
  /** one per LP/MILP solved, for the timing artifact */
  timings: (StageTiming & { target: number })[];
}

export async function attackSample(net: PiecewiseLinearNet, sample: SampleInput, p: AigentParams, solver: LpSolver, signal: AbortSignal): Promise<SampleResult> {
  const { index, x, prediction } = sample;
  const trace = forwardTrace(net, x);
  const logits = trace.post[trace.post.length - 1];
  const targeted = typeof p.target === 'number';
  const targets = targetClasses(p.target, logits, prediction);
  const attempts: AttemptReport[] = [];
  const timings: SampleResult['timings'] = [];
  const timeout = (where: string): SampleResult => ({ outcome: { status: 'timeout', index, message: `aborted ${where}`, details: { attempts } }, timings });
  if (targets.length === 0) {
    return { outcome: { status: 'not_found', index, details: { reason: `the target class ${String(p.target)} is the predicted class`, attempts } }, timings };
  }

  for (const target of targets) {
    const property = adversarialProperty(target, prediction, logits.length, targeted);
    const marks = incrementDecrementMarks(net, property);
    const aim = p.margin + p.overshoot * Math.max(0, p.margin - propertySlack(property, logits));
    const patch = await firstLayerPatch(
      { net, input: x, trace, property, marks, margin: p.margin, aim, phaseMargin: p.phase_margin, norm: p.patch_norm, relaxation: p.relaxation, rounds: p.rounds, timeLimitS: p.time_limit_s, signal },
      solver,
    );
    timings.push(...patch.timings.map((t) => ({ ...t, target })));
    if (patch.kind === 'aborted') return timeout(`before edge layer ${patch.stages.length + 1} of target ${target}`);
    if (patch.kind === 'failed') {
      attempts.push({ target, stages: patch.stages, mod2adv: [], failed: `el${patch.edgeLayer}` });
      continue;
    }
    const found = await inputStage(
      { net, input: x, trace, property, marks, exact: patch.target, patched: patch.values, relaxation: p.relaxation, rounds: p.rounds, margin: p.margin, aim, phaseMargin: p.phase_margin, delta: p.delta, maxPixels: p.max_pixels, search: p.pixel_search, timeLimitS: p.time_limit_s, signal },
      solver,
      L0_TOLERANCE,
    );
    timings.push(...found.timings.map((t) => ({ ...t, target })));
    const attempt: AttemptReport = { target, stages: patch.stages, mod2adv: found.tries, failed: null };
    attempts.push(attempt);
    if (found.kind === 'aborted') return timeout(`in mod2adv of target ${target}`);
    if (found.kind === 'failed') {
      attempt.failed = 'mod2adv';
      continue;
    }
    const details = { target, attempts, pixels_changed: found.pixels, pixels_pct: Number(((100 * found.pixels) / x.length).toFixed(4)), margin_reached: found.slack };
    return { outcome: { status: 'adversarial', index, adversarial: found.adversarial, ...(targeted ? { target } : {}), details }, timings };
  }
  return { outcome: { status: 'not_found', index, details: { reason: failureReason(attempts, p.delta), attempts } }, timings };
}

function failureReason(attempts: readonly AttemptReport[], delta: number): string {
  return attempts
    .map(({ target, failed, stages, mod2adv }) => {
      if (failed === 'mod2adv') {
        const last = mod2adv[mod2adv.length - 1];
        return last.pixels === null
          ? `target ${target}: mod2adv (${last.search}) ended ${last.solve.status}: no input within δ = ${delta} reaches the first-layer target`
          : `target ${target}: the input mod2adv found leaves φ at ${last.slack}, under half the margin`;
      }
      return `target ${target}: no patch of ${failed} reached its target (last LP ${stages[stages.length - 1].lp.status}, simulated slack ${stages[stages.length - 1].simulated_slack})`;
    })
    .join('; ');
}
