// DeepXplore's joint optimisation (Pei et al., SOSP'17, Algorithm 1), batched over a chunk. From a
// seed all models agree on, ascend
//   −λ·z₀[c] + Σ_{m>0} z_m[c] + w_nc · Σ_m objective_m(target_m)
// where c is the seed's label, model 0 is the model under attack and target_m an item of the
// criterion the seed leaves uncovered on model m, drawn once per seed. Each step follows the
// RMS-normalised gradient, projected by the transformation, and stops at the first input on which
// the models disagree. Unlike the released code, the coverage table is the seed's own (records do
// not depend on which samples share a chunk) and pixels stay in [0, 1]. An occlusion square placed
// by the gradient is chosen at the first step, from the seed's gradient, and then kept: one square
// per seed, as with the fixed one.
import { row, stack } from '../shared/batch.js';
import { criterionFor } from '../../metrics/coverage/criteria.js';
import { criterionSpec } from '../../metrics/coverage/criterion-params.js';
import type { CoverageCriterion } from '../../metrics/coverage/criterion.js';
import { coverageDetails } from '../../metrics/coverage/generator-report.js';
import type { LayerActivations } from '../../metrics/coverage/neuron-layout.js';
import type { AttackContext, NeuronTerm, Rng, SampleInput, SampleOutcome } from '../../harness/types.js';
import { rmsNormalized, stepClipped } from './normalize.js';
import { heaviestWindow, type Window } from './occlusion-window.js';
import type { DeepxploreParams } from './params.js';
import { constrained, type TransformationSettings } from './transformations.js';

interface Seed {
  sample: SampleInput;
  x: Float32Array;
  iterations: number;
  /** per model, the item it steers toward */
  targets: number[];
  /** per model, the seed's hits */
  seedHits: number[][];
  /** this seed's row in the activations its objective reads */
  row: number;
  /** occlusion: the square's top-left corner, once placed */
  occlusion?: Window;
}

/** A uniformly drawn item `hits` does not contain (any item when it contains all). */
function uncoveredTarget(criterion: CoverageCriterion, hits: readonly number[], rng: Rng): number {
  const covered = new Set(hits);
  const open: number[] = [];
  for (let item = 0; item < criterion.items; item++) if (!covered.has(item)) open.push(item);
  return open.length > 0 ? open[rng.int(open.length)] : rng.int(criterion.items);
}

/** The transformation's settings for seed `s` at a step whose joint gradient is `total`. */
function seedSettings(s: Seed, total: Float32Array, shape: readonly number[], p: DeepxploreParams): TransformationSettings {
  if (p.transformation !== 'occlusion') return p;
  s.occlusion ??= p.occlusion_position === 'gradient' ? heaviestWindow(total, shape, p.occlusion_size) : { row: p.occlusion_row, col: p.occlusion_col };
  return { ...p, occlusion_row: s.occlusion.row, occlusion_col: s.occlusion.col };
}

/** Where the seed's occlusion square went, for its record. */
function occlusionDetails(s: Seed): Record<string, unknown> {
  return s.occlusion === undefined ? {} : { occlusion_at: [s.occlusion.row, s.occlusion.col] };
}

export async function* deepxploreSearch(ctx: AttackContext<DeepxploreParams>): AsyncGenerator<SampleOutcome> {
  const { models, samples, params: p, signal } = ctx;
  if (samples.length === 0) return;
  const size = models[0].inputSize;
  const numClasses = models[0].numClasses;
  const criteria = await Promise.all(models.map((m) => criterionFor(m, criterionSpec(p), ctx.dataset.name)));
  const activationsOf = (x: Float32Array): Promise<Float32Array[][]> => Promise.all(models.map((m) => m.activations(x)));
  const labelsOf = (x: Float32Array): Promise<Int32Array[]> => Promise.all(models.map((m) => m.classify(x)));

  const seeds = stack(samples.map((s) => s.x), size);
  const [seedActs, seedLabels] = await Promise.all([activationsOf(seeds), labelsOf(seeds)]);
  let active: Seed[] = [];
  for (const [n, sample] of samples.entries()) {
    const seedHits = criteria.map((c, m) => c.hits(seedActs[m], n));
    const predictions = seedLabels.map((labels) => labels[n]);
    if (predictions.some((label) => label !== sample.label)) {
      // The released code records such a seed as difference-inducing and does not search from it.
      yield { status: 'not_found', index: sample.index, details: { iterations: 0, already_differ: true, predictions, ...coverageDetails(criteria[0], seedHits[0], undefined, { covered: seedHits[0].length, targets: 0, targetsHit: 0 }) } };
      continue;
    }
    active.push({ sample, x: sample.x, iterations: 0, targets: criteria.map((c, m) => uncoveredTarget(c, seedHits[m], sample.rng)), seedHits, row: n });
  }

  let acts: LayerActivations[] = seedActs;
  for (let iteration = 1; active.length > 0 && iteration <= p.iterations; iteration++) {
    if (signal.aborted) {
      for (const s of active) yield { status: 'timeout', index: s.sample.index, message: `aborted after ${s.iterations} iterations`, details: { iterations: s.iterations } };
      return;
    }
    const batch = stack(active.map((s) => s.x), size);
    const gradients = await Promise.all(
      models.map((m, k) => {
        const logitWeights = new Float32Array(active.length * numClasses);
        active.forEach((s, n) => (logitWeights[n * numClasses + s.sample.label] = k === 0 ? -p.weight_diff : 1));
        const neurons = active.map((s): NeuronTerm[] =>
          criteria[k].objective(s.targets[k], acts[k], s.row).map((t) => ({ ...t, weight: p.weight_nc * t.weight })),
        );
        return m.inputGradient(batch, { kind: 'objective', logitWeights, neurons });
      }),
    );
    active.forEach((s, n) => {
      const total = new Float32Array(size);
      for (const { gradient } of gradients) {
        const g = row(gradient, n, size);
        for (let i = 0; i < size; i++) total[i] += g[i];
      }
      const settings = seedSettings(s, total, models[0].inputShape, p);
      s.x = stepClipped(s.x, constrained(rmsNormalized(total), models[0].inputShape, settings, s.sample.rng), p.step);
      s.iterations++;
    });

    const moved = stack(active.map((s) => s.x), size);
    const labels = await labelsOf(moved);
    const differ = active.flatMap((s, n) => (labels.some((l) => l[n] !== s.sample.label) ? [{ s, predictions: labels.map((l) => l[n]) }] : []));
    if (differ.length > 0) {
      const outActs = await activationsOf(stack(differ.map(({ s }) => s.x), size));
      for (const [n, { s, predictions }] of differ.entries()) {
        const outHits = criteria.map((c, m) => c.hits(outActs[m], n));
        const targetsHit = s.targets.filter((t, m) => outHits[m].includes(t)).length;
        const covered = new Set([...s.seedHits[0], ...outHits[0]]).size;
        const details = { iterations: s.iterations, predictions, ...occlusionDetails(s), ...coverageDetails(criteria[0], s.seedHits[0], outHits[0], { covered, targets: models.length, targetsHit }) };
        yield predictions[0] !== s.sample.label
          ? { status: 'adversarial', index: s.sample.index, adversarial: s.x, details }
          : { status: 'not_found', index: s.sample.index, details: { ...details, difference_on_others: true } };
      }
    }
    const finished = new Set(differ.map(({ s }) => s));
    active = active.filter((s) => !finished.has(s));
    if (criteria[0].adaptive && active.length > 0 && iteration < p.iterations) {
      acts = await activationsOf(stack(active.map((s) => s.x), size));
      active.forEach((s, n) => (s.row = n));
    }
  }
  for (const s of active) {
    yield { status: 'not_found', index: s.sample.index, details: { iterations: s.iterations, ...occlusionDetails(s), ...coverageDetails(criteria[0], s.seedHits[0], undefined, { covered: s.seedHits[0].length, targets: models.length, targetsHit: 0 }) } };
  }
}
