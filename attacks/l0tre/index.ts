// L0-TRE (Ruan et al., "Global Robustness Evaluation of Deep Neural Networks with Provable Guarantees
// for the L0 Norm"): anytime lower and upper bounds on the number of pixels that must change to change
// the label, by exhaustive grid search over every t-pixel subspace, t = 1, 2, … (run-bounds.ts);
// and its coverage-driven test generation (run-coverage.ts).
// Lower bounds are claims conditional on the grid; the tightened upper-bound example is the adversarial.
import { definePlugin } from '../../harness/plugin.js';
import type { AttackContext, SampleOutcome } from '../../harness/types.js';
import { l0treLeaderboard } from './leaderboard.js';
import { l0treParams, type L0treParams } from './params.js';
import { runBounds } from './run-bounds.js';
import { runCoverage } from './run-coverage.js';

export type { L0treParams } from './params.js';

export const l0tre = definePlugin<L0treParams>({
  id: 'l0tre',
  summary: 'L0-TRE (Ruan et al.): anytime L0 lower/upper bounds by grid search over every t-pixel subspace (or coverage-driven test generation)',
  kind: 'verifier',
  params: l0treParams,
  needs: [],
  chunkSize: (p) => p.chunk_size,
  // the upper-bound examples change as many pixels as they need: no budget is honest but the image size, which params do not know
  threat: () => ({ norm: 'unbounded' }),
  async *run(ctx: AttackContext<L0treParams>): AsyncGenerator<SampleOutcome> {
    // an empty chunk has nothing to report, and a model query on no images is an error
    if (ctx.samples.length === 0) return;
    if (ctx.signal.aborted) {
      for (const s of ctx.samples) yield { status: 'timeout', index: s.index, message: 'aborted before the search started' };
      return;
    }
    yield* ctx.params.mode === 'coverage' ? runCoverage(ctx) : runBounds(ctx);
  },
  leaderboard: l0treLeaderboard,
});
