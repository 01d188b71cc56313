// DLFuzz's neuron-selection strategies (MNIST/utils_tmp.py: neuron_selection), over the items of any
// criterion instead of NC's neurons: each mutant steers toward `count` items chosen by
//   covered-often   items drawn with probability ∝ how many of the seed's inputs hit them (strategy 0)
//   covered-rarely  ∝ (most hits of any item − hits), which favours the uncovered (strategy 1)
//   top-weight      neurons among the top 10% by mean incoming weight, drawn at random, each steered
//                   to its nearest uncovered item (strategy 2, the released MNIST runs' choice)
//   near-threshold  the uncovered items nearest to being covered (strategy 3; the released code pushes
//                   neurons just above NC's threshold up and those just below it down)
import type { NeuronLayer, Rng } from '../../harness/types.js';
import type { CoverageCriterion } from '../../metrics/coverage/criterion.js';
import type { LayerActivations } from '../../metrics/coverage/neuron-layout.js';
import type { CoverageTracker } from '../../metrics/coverage/tracker.js';

export const STRATEGIES = ['covered-often', 'covered-rarely', 'top-weight', 'near-threshold'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What a strategy reads; `acts` holds one input (row 0): the mutant about to be mutated. */
export interface SelectionContext {
  criterion: CoverageCriterion;
  tracker: CoverageTracker;
  acts: LayerActivations;
  rng: Rng;
  topWeight: readonly number[];
  itemsOfNeuron: readonly (readonly number[])[];
}

/** Neurons with a positive mean incoming weight, the largest first, as many as 10% of all neurons (rounded up). */
export function topWeightNeurons(layers: readonly NeuronLayer[]): number[] {
  const means = layers.flatMap((layer) => layer.weightMeans);
  const ranked = means.flatMap((w, neuron) => (w > 0 ? [neuron] : [])).sort((a, b) => means[b] - means[a] || a - b);
  return ranked.slice(0, Math.ceil(0.1 * means.length));
}

/** For each neuron, its items under `criterion`. */
export function itemsByNeuron(criterion: CoverageCriterion, neurons: number): number[][] {
  const out = Array.from({ length: neurons }, (): number[] => []);
  for (let item = 0; item < criterion.items; item++) out[criterion.neuronOf(item)].push(item);
  return out;
}

/** Up to `count` distinct indices drawn with probability ∝ weight; empty when no weight is positive. */
function weightedDraw(weights: Float64Array, count: number, rng: Rng): number[] {
  const out: number[] = [];
  let total = weights.reduce((a, b) => a + b, 0);
  while (out.length < count && total > 0) {
    let r = rng.next() * total;
    let pick = -1;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] <= 0) continue;
      pick = i;
      r -= weights[i];
      if (r < 0) break;
    }
    out.push(pick);
    total -= weights[pick];
    weights[pick] = 0;
  }
  return out;
}

/** Up to `count` distinct uncovered items drawn uniformly: DLFuzz's fallback while the counts say nothing. */
function randomUncovered(s: SelectionContext, count: number): number[] {
  const open = s.tracker.uncovered();
  const out: number[] = [];
  while (out.length < count && open.length > 0) out.push(open.splice(s.rng.int(open.length), 1)[0]);
  return out;
}

function nearestFirst(s: SelectionContext, items: readonly number[]): number[] {
  const distance = new Map(items.map((item) => [item, s.criterion.distance(item, s.acts, 0)]));
  return [...items].sort((a, b) => (distance.get(a) as number) - (distance.get(b) as number) || a - b);
}

export function selectTargets(strategy: Strategy, count: number, s: SelectionContext): number[] {
  const times = s.tracker.times;
  switch (strategy) {
    case 'covered-often': {
      const drawn = weightedDraw(Float64Array.from(times), count, s.rng);
      return drawn.length > 0 ? drawn : randomUncovered(s, count);
    }
    case 'covered-rarely': {
      const most = times.reduce((a, b) => Math.max(a, b), 0);
      const drawn = weightedDraw(Float64Array.from(times, (t) => most - t), count, s.rng);
      return drawn.length > 0 ? drawn : randomUncovered(s, count);
    }
    case 'top-weight': {
      const pool = [...s.topWeight];
      const out: number[] = [];
      while (out.length < count && pool.length > 0) {
        const items = s.itemsOfNeuron[pool.splice(s.rng.int(pool.length), 1)[0]];
        const open = items.filter((item) => !s.tracker.isCovered(item));
        out.push(nearestFirst(s, open.length > 0 ? open : items)[0]);
      }
      return out;
    }
    case 'near-threshold':
      return nearestFirst(s, s.tracker.uncovered()).slice(0, count);
  }
}
