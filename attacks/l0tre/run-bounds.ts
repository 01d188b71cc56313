// The bounds mode of the plugin: the anytime search of every sample of the chunk, its outcomes and
// claims, and the chunk's anytime curve (its rows of the job's anytime.csv, and a plot) and saliency maps.
import type { AttackContext, BoundClaim, SampleOutcome } from '../../harness/types.js';
import { stack } from '../shared/batch.js';
import { anytimePlot, anytimeRow, type AnytimeRow } from './anytime-report.js';
import { anytimeSearch, feasibleTMax, type Settled } from './anytime-search.js';
import { CHUNK_COLUMN, chunkLabel } from './chunk-label.js';
import { gridCondition, gridName, gridValues } from './grid.js';
import type { L0treParams } from './params.js';
import { saliencyImage } from './saliency.js';
import { selectEvaluator } from './select-evaluator.js';
import { stopper } from './stopper.js';
import type { ScanSample } from './subspace-scan.js';

export async function* runBounds(ctx: AttackContext<L0treParams>): AsyncGenerator<SampleOutcome> {
  const { model, samples, params: p, signal } = ctx;
  const started = performance.now();
  const stop = stopper(signal, p.time_budget_s * samples.length);
  const grid = gridValues(p.grid);
  const baseLogits = await model.predict(stack(samples.map((s) => s.x), model.inputSize));
  const scanSamples: ScanSample[] = samples.map((s, slot) => ({ slot, x: s.x, label: s.label, baseLogit: baseLogits[slot * model.numClasses + s.label] }));
  const evaluator = await selectEvaluator(p.evaluator, model, samples.map((s) => s.x), baseLogits, ctx.offModelForward, ctx.log);
  const rows: AnytimeRow[] = [];
  const tMax = feasibleTMax(p.t_max, model.inputSize);
  if (tMax < p.t_max) ctx.log(`l0tre: searching t ≤ ${tMax} only: the subspaces of t = ${tMax + 1} do not fit in memory`);

  const search = anytimeSearch(scanSamples, {
    tMax,
    grid,
    batchSize: p.batch_size,
    numClasses: model.numClasses,
    model,
    evaluator,
    stop,
    aborted: () => signal.aborted,
    onFirstScan: (slot, scan) => {
      if (ctx.images) ctx.artifact(saliencyImage(`saliency-${samples[slot].index}.png`, scan.drop, model.inputShape));
    },
    onStage: (t, bounds) => rows.push(anytimeRow(t, (performance.now() - started) / 1000, bounds)),
  });

  const outcome = (settled: Settled): SampleOutcome => {
    const { index } = samples[settled.slot];
    const b = settled.bounds;
    const upper = b.upper ?? null;
    const details = {
      grid: gridName(grid),
      evaluator: evaluator.name,
      lower: b.lower,
      upper,
      estimate: upper === null ? null : (b.lower + upper) / 2,
      radius: upper === null ? null : (upper - b.lower) / 2,
      converged: b.converged,
      stages: b.stages,
      stopped: settled.finished ? null : (stop.reason ?? null),
    };
    const claims: BoundClaim[] = b.lower >= 2 ? [{ kind: 'lower_bound', norm: 'l0', value: b.lower, strict: false, condition: gridCondition(grid) }] : [];
    if (!settled.finished && signal.aborted) {
      return { status: 'timeout', index, message: `stopped after t = ${b.stages.length}: ${b.lower} ≤ L0 ≤ ${upper ?? '?'}`, details, claims };
    }
    if (b.adversarial !== undefined) return { status: 'adversarial', index, adversarial: b.adversarial, details, claims };
    return { status: 'not_found', index, details, claims };
  };

  // One outcome is held back so the chunk's artifacts are handed over before the last sample: the
  // runner stops listening once every sample has answered.
  let held: SampleOutcome | undefined;
  for await (const settled of search) {
    if (held !== undefined) yield held;
    held = outcome(settled);
  }
  const chunk = chunkLabel(samples);
  ctx.artifact({ kind: 'csv', name: 'anytime.csv', rows: rows.map((r) => ({ ...r, [CHUNK_COLUMN]: chunk })), chunkColumn: CHUNK_COLUMN });
  if (ctx.images && rows.length > 0) ctx.artifact(anytimePlot(`anytime-${samples[0].index}.png`, rows));
  if (held !== undefined) yield held;
}
