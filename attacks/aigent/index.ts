// AIGENT (Khan, Madhukar, Sharma, "Efficient Adversarial Input Generation via Neural Net Patching"):
// instead of searching inputs, find a small weight patch that makes the network misclassify the
// unchanged x, halve the network down to a first-layer patch, and turn that into a change of few
// pixels. See README.md beside this file for the method, its params and where it departs from the
// released code.
import { definePlugin } from '../../harness/plugin.js';
import { loadSolver } from '../../harness/solvers/load-solver.js';
import { countedSolver } from '../../harness/solvers/solver.js';
import type { AttackContext, SampleOutcome } from '../../harness/types.js';
import { attackSample, type SampleResult } from './attack-sample.js';
import { comparePatches } from './compare-patches.js';
import { aigentLeaderboard } from './leaderboard.js';
import { aigentParams, type AigentParams } from './params.js';

function timingRows(index: number, engine: string, result: SampleResult): Record<string, string | number>[] {
  return result.timings.map(({ target, step, report, timeMs }) => ({
    index,
    target,
    step,
    engine,
    status: report.status,
    variables: report.variables,
    integers: report.integers,
    rows: report.rows,
    time_ms: Number(timeMs.toFixed(3)),
  }));
}

export const aigent = definePlugin<AigentParams>({
  id: 'aigent',
  summary:
    'AIGENT: LP weight patch of the middle edge layer, halved down to the first, then the fewest pixels within L∞ δ that realise it; ' +
    'delta, target and overshoot come from the preset unless given (strict: 0.66, second_best, 0.1; high_defect: 0.8, every, 0.2), max_pixels is optional (no cap)',
  kind: 'attack',
  params: aigentParams,
  needs: ['piecewise-linear'],
  // each sample is a chain of solver calls: one per chunk gives each its own deadline
  chunkSize: () => 1,
  threat: (p) => ({ norm: 'linf', budget: p.delta }),
  async *run(ctx: AttackContext<AigentParams>): AsyncGenerator<SampleOutcome> {
    const { samples, params: p, signal, model } = ctx;
    if (samples.length === 0) return;
    if (typeof p.target === 'number' && p.target >= model.numClasses) {
      for (const { index } of samples) yield { status: 'error', index, message: `target ${p.target} is not a class of ${model.name} (it has ${model.numClasses})` };
      return;
    }
    const net = model.piecewiseLinear();
    const solver = countedSolver(await loadSolver(p.engine), ctx.solverCalls);
    for (const sample of samples) {
      if (signal.aborted) {
        yield { status: 'timeout', index: sample.index, message: 'aborted before the first patch' };
        continue;
      }
      const result = p.mode === 'patch' ? await attackSample(net, sample, p, solver, signal) : await comparePatches(net, sample, p, solver, signal);
      if (result.timings.length > 0) ctx.artifact({ kind: 'csv', name: `solves-${sample.index}.csv`, rows: timingRows(sample.index, p.engine, result) });
      yield result.outcome;
    }
  },
  leaderboard: aigentLeaderboard,
});
