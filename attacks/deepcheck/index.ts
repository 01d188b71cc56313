// DeepCheck (Gopinath, Păsăreanu, Wang, Zhang, Khurshid: "Symbolic Execution for Attribution and
// Attack Synthesis in Neural Networks"): along the ReLU activation pattern of x every output is affine
// in the pixels. Its coefficients rank pixels by importance (DeepCheck-Imp); making one or two pixels
// symbolic and solving the path condition plus a label change finds 1- and 2-pixel attacks that keep
// the pattern, or proves there are none for those pixels on that pattern (DeepCheck-tPA).
import { definePlugin } from '../../harness/plugin.js';
import { smtEngine, type SmtEngine } from '../../harness/solvers/smt/engine.js';
import type { AttackContext, SampleInput, SampleOutcome } from '../../harness/types.js';
import { candidateCount, orderedPixels } from './candidates.js';
import { importanceScores, rankPixels, shortlistSize } from './importance.js';
import { deepcheckColumns } from './leaderboard.js';
import { deepcheckOutcome } from './outcome.js';
import { deepcheckParams, type DeepcheckParams } from './params.js';
import { PathLinearization } from './path-linearization.js';
import { saliencyPng } from './saliency.js';
import { searchAttacks } from './search.js';

/** The class an attack must reach, undefined for any other class, or why the sample cannot be attacked so. */
function resolveTarget(target: DeepcheckParams['target'], label: number, classes: number): { target?: number } | { problem: string } {
  if (target === 'any') return {};
  const t = target === 'next' ? (label + 1) % classes : target;
  if (t >= classes) return { problem: `target ${t} is not a class of this ${classes}-class model` };
  if (t === label) return { problem: `target ${t} is the sample's own label` };
  return { target: t };
}

function scopeOf(p: DeepcheckParams, pixels: number, inputSize: number): string {
  return p.order === 'shortlist' ? `the top-${p.shortlist_percent}% ${p.metric} pixels (${pixels})` : `all ${inputSize} input values`;
}

async function attackSample(ctx: AttackContext<DeepcheckParams>, engine: SmtEngine, sample: SampleInput): Promise<SampleOutcome> {
  const { params: p, model } = ctx;
  const n = model.inputSize;
  const path = new PathLinearization(model.piecewiseLinear(), sample.x);
  const viewLabel = path.argmax();
  if (viewLabel !== sample.label) {
    return { status: 'not_found', index: sample.index, details: { note: `at x the float64 view ranks class ${viewLabel} first, the model ${sample.label}: x sits on a tie, which has no path to search` } };
  }
  const goal = resolveTarget(p.target, sample.label, model.numClasses);
  if ('problem' in goal) return { status: 'not_found', index: sample.index, details: { note: goal.problem } };

  const coefficients = path.logitGradient.subarray(sample.label * n, (sample.label + 1) * n);
  const ranking = rankPixels(importanceScores(p.metric, coefficients, sample.x));
  const pixels = orderedPixels(p.order, ranking, shortlistSize(p.shortlist_percent, n));
  const search = await searchAttacks(path, model, engine, { t: p.t, order: p.order, pixels, mode: p.mode, margin: p.margin, goal: { label: sample.label, target: goal.target } }, ctx.signal);

  const rank = new Int32Array(n);
  ranking.forEach((pixel, i) => (rank[pixel] = i + 1));
  const top5 = shortlistSize(5, n);
  if (ctx.images && model.inputShape.length === 3) {
    ctx.artifact(
      saliencyPng({
        name: `deepcheck-${sample.index}.png`,
        shape: model.inputShape,
        x: sample.x,
        ranking,
        top5,
        top10: shortlistSize(10, n),
        attackPixels: search.attacks.flatMap((a) => a.pixels),
      }),
    );
  }
  return deepcheckOutcome(search, {
    index: sample.index,
    t: p.t,
    scope: scopeOf(p, pixels.length, n),
    rankOf: (pixel) => rank[pixel],
    top5: Array.from(ranking.subarray(0, top5)),
    candidates: candidateCount(p.t, pixels.length),
    target: goal.target,
  });
}

export const deepcheck = definePlugin<DeepcheckParams>({
  id: 'deepcheck',
  summary: 'DeepCheck: pixel importance along the activation path, and 1-/2-pixel attacks that keep the activation pattern, by constraint solving (unsat = a guarantee for that pattern and those pixels)',
  kind: 'attack',
  params: deepcheckParams,
  needs: ['piecewise-linear'],
  chunkSize: () => 1,
  threat: (p) => ({ norm: 'l0', budget: p.t }),
  async *run(ctx): AsyncGenerator<SampleOutcome> {
    const engine = smtEngine(ctx.params.engine, ctx.solverCalls);
    try {
      for (const sample of ctx.samples) {
        if (ctx.signal.aborted) {
          yield { status: 'timeout', index: sample.index, message: 'aborted before this sample began' };
          continue;
        }
        yield await attackSample(ctx, engine, sample);
      }
    } finally {
      // the runner may end this generator without awaiting it, so a failure here must not escape
      await engine.release().catch((error: unknown) => ctx.log(`deepcheck: could not release the ${engine.name} engine: ${String(error)}`));
    }
  },
  leaderboard: deepcheckColumns,
});
