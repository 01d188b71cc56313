// DLFuzz (Guo et al., FSE'18), batched over a chunk: each seed keeps a queue of mutants. A mutant is
// mutated `iterations` times along the RMS-normalised gradient of
//   weight_predict·Σ z[ranks 2–5] − z[top] + weight_neurons·Σ objective(target)
// (ranks and targets fixed when the mutant is taken from the queue); every step is clipped to [0, 1]
// and counted into the seed's coverage; a step that grows coverage while staying within
// `requeue_below` relative L2 of the seed is queued as a new mutant. The seed's search ends at the
// first input the model labels differently, or when the queue runs dry (or max_mutants is reached).
// The released code's re-queue bar 0.01/(seed's position in the run + 1) would make records depend
// on sample order; gauntlet re-queues on any coverage growth, as the paper describes it.
import { stack } from '../shared/batch.js';
import { rmsNormalized, stepClipped } from '../deepxplore/normalize.js';
import { criterionFor } from '../../metrics/coverage/criteria.js';
import { criterionSpec } from '../../metrics/coverage/criterion-params.js';
import type { CoverageCriterion } from '../../metrics/coverage/criterion.js';
import { coverageDetails } from '../../metrics/coverage/generator-report.js';
import { CoverageTracker } from '../../metrics/coverage/tracker.js';
import type { AttackContext, NeuronTerm, SampleInput, SampleOutcome } from '../../harness/types.js';
import { itemsByNeuron, selectTargets, topWeightNeurons, type SelectionContext } from './neuron-selection.js';
import type { DlfuzzParams } from './params.js';

/** An input with what the model computed for it: its logits and its neurons (one row per layer). */
interface Mutant {
  x: Float32Array;
  logits: Float32Array;
  acts: Float32Array[];
}

interface Fuzz {
  sample: SampleInput;
  seedNorm: number;
  seedHits: number[];
  tracker: CoverageTracker;
  queue: Mutant[];
  current: Mutant;
  /** steps taken on the current mutant */
  steps: number;
  logitWeights: Float32Array;
  targets: number[];
  chosen: Set<number>;
  iterations: number;
  mutants: number;
  queued: number;
}

const l2 = (values: ArrayLike<number>): number => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
};

/** Row n of every layer of `acts`, copied. */
const actsRow = (acts: readonly Float32Array[], n: number, units: readonly number[]): Float32Array[] => acts.map((layer, l) => layer.slice(n * units[l], (n + 1) * units[l]));

export async function* dlfuzzSearch(ctx: AttackContext<DlfuzzParams>): AsyncGenerator<SampleOutcome> {
  const { model, samples, params: p, signal } = ctx;
  if (samples.length === 0) return;
  const size = model.inputSize;
  const numClasses = model.numClasses;
  const units = model.neuronLayers.map((layer) => layer.units);
  const criterion = await criterionFor(model, criterionSpec(p), ctx.dataset.name);
  const topWeight = topWeightNeurons(model.neuronLayers);
  const itemsOfNeuron = p.strategy === 'top-weight' ? itemsByNeuron(criterion, units.reduce((a, b) => a + b, 0)) : [];

  /** Ranks 2–5 of the mutant's logits weigh `weight_predict`, its top class −1; then its targets. */
  const take = (f: Fuzz, mutant: Mutant): void => {
    const ranked = Array.from(mutant.logits.keys()).sort((a, b) => mutant.logits[b] - mutant.logits[a] || a - b);
    f.logitWeights = new Float32Array(numClasses);
    ranked.slice(1, 5).forEach((k) => (f.logitWeights[k] = p.weight_predict));
    f.logitWeights[ranked[0]] = -1;
    const selection: SelectionContext = { criterion, tracker: f.tracker, acts: mutant.acts, rng: f.sample.rng, topWeight, itemsOfNeuron };
    f.targets = selectTargets(p.strategy, p.neurons, selection);
    for (const t of f.targets) f.chosen.add(t);
    f.current = mutant;
    f.steps = 0;
    f.mutants++;
  };

  const seeds = stack(samples.map((s) => s.x), size);
  const [seedLogits, seedActs] = await Promise.all([model.predict(seeds), model.activations(seeds)]);
  let active: Fuzz[] = samples.map((sample, n) => {
    const seed: Mutant = { x: sample.x, logits: seedLogits.slice(n * numClasses, (n + 1) * numClasses), acts: actsRow(seedActs, n, units) };
    const tracker = new CoverageTracker(criterion);
    const seedHits = criterion.hits(seedActs, n);
    tracker.add(seedHits);
    const f: Fuzz = { sample, seedNorm: l2(sample.x), seedHits, tracker, queue: [], current: seed, steps: 0, logitWeights: new Float32Array(0), targets: [], chosen: new Set(), iterations: 0, mutants: 0, queued: 0 };
    take(f, seed);
    return f;
  });

  while (active.length > 0) {
    if (signal.aborted) {
      for (const f of active) yield { status: 'timeout', index: f.sample.index, message: `aborted after ${f.iterations} iterations`, details: { iterations: f.iterations, mutants: f.mutants } };
      return;
    }
    const batch = stack(active.map((f) => f.current.x), size);
    const neurons = active.map((f): NeuronTerm[] =>
      f.targets.flatMap((t) => criterion.objective(t, f.current.acts, 0).map((term) => ({ ...term, weight: p.weight_neurons * term.weight }))),
    );
    const logitWeights = stack(active.map((f) => f.logitWeights), numClasses);
    const { gradient } = await model.inputGradient(batch, { kind: 'objective', logitWeights, neurons });
    const moved = active.map((f, n) => stepClipped(f.current.x, rmsNormalized(gradient.subarray(n * size, (n + 1) * size)), p.step));
    const next = stack(moved, size);
    const [logits, acts] = await Promise.all([model.predict(next), model.activations(next)]);

    const standing: Fuzz[] = [];
    for (const [n, f] of active.entries()) {
      f.iterations++;
      f.steps++;
      const hits = criterion.hits(acts, n);
      const grew = f.tracker.add(hits) > 0;
      const mutant: Mutant = { x: moved[n], logits: logits.slice(n * numClasses, (n + 1) * numClasses), acts: actsRow(acts, n, units) };
      const label = mutant.logits.indexOf(Math.max(...mutant.logits));
      if (label !== f.sample.label) {
        yield { status: 'adversarial', index: f.sample.index, adversarial: mutant.x, details: { ...summary(f, criterion, hits), prediction: label } };
        continue;
      }
      if (grew && l2(moved[n].map((v, i) => v - f.sample.x[i])) / f.seedNorm < p.requeue_below) {
        f.queue.push(mutant);
        f.queued++;
      }
      if (f.steps < p.iterations) {
        f.current = mutant;
        standing.push(f);
      } else if (f.queue.length > 0 && f.mutants < p.max_mutants) {
        take(f, f.queue.shift() as Mutant);
        standing.push(f);
      } else {
        yield { status: 'not_found', index: f.sample.index, details: summary(f, criterion, undefined) };
      }
    }
    active = standing;
  }
}

function summary(f: Fuzz, criterion: CoverageCriterion, outputHits: readonly number[] | undefined): Record<string, unknown> {
  const targetsHit = [...f.chosen].filter((t) => f.tracker.isCovered(t)).length;
  return {
    iterations: f.iterations,
    mutants: f.mutants,
    queued: f.queued,
    ...coverageDetails(criterion, f.seedHits, outputHits, { covered: f.tracker.covered, targets: f.chosen.size, targetsHit }),
  };
}
