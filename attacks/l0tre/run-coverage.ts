// The coverage mode of the plugin: test generation over the chunk (coverage.ts), reported per sample
// (the tests generated from it; the closest misclassified one as its adversarial) and as coverage.csv.
import type { AttackContext, SampleOutcome } from '../../harness/types.js';
import { stack } from '../shared/batch.js';
import { CHUNK_COLUMN, chunkLabel } from './chunk-label.js';
import { generateTests } from './coverage.js';
import { gridName, gridValues } from './grid.js';
import type { L0treParams } from './params.js';
import { verifiedLayerStack } from './select-evaluator.js';
import { stopper } from './stopper.js';

export async function* runCoverage(ctx: AttackContext<L0treParams>): AsyncGenerator<SampleOutcome> {
  const { model, samples, params: p, signal } = ctx;
  const stop = stopper(signal, p.time_budget_s * samples.length);
  const baseLogits = await model.predict(stack(samples.map((s) => s.x), model.inputSize));
  const layers = await verifiedLayerStack(model, samples.map((s) => s.x), baseLogits);
  if ('unsupported' in layers) throw new Error(`coverage mode replays the network's layers, which it cannot on ${model.name}: ${layers.unsupported}`);
  const grid = gridValues(p.grid);
  const result = await generateTests(layers, samples, { grid, tMax: p.t_max, model, offModel: ctx.offModelForward, stop });
  const chunk = chunkLabel(samples);
  ctx.artifact({ kind: 'csv', name: 'coverage.csv', rows: result.rows.map((r) => ({ ...r, [CHUNK_COLUMN]: chunk })), chunkColumn: CHUNK_COLUMN });
  const coverage = { neurons: result.neurons, before: result.before, after: result.after };
  for (const [slot, sample] of samples.entries()) {
    const tests = result.tests[slot];
    const details = { mode: 'coverage', grid: gridName(grid), coverage, tests, replays: result.replays[slot], stopped: result.complete ? null : (stop.reason ?? null) };
    if (!result.complete && signal.aborted) {
      yield { status: 'timeout', index: sample.index, message: `test generation stopped at ${result.after} of ${result.neurons} neurons covered`, details };
      continue;
    }
    const misclassified = tests.find((t) => t.prediction !== sample.label);
    if (misclassified === undefined) {
      yield { status: 'not_found', index: sample.index, details };
      continue;
    }
    const adversarial = sample.x.slice();
    for (const [pixel, value] of misclassified.pixels) adversarial[pixel] = value;
    yield { status: 'adversarial', index: sample.index, adversarial, details };
  }
}
