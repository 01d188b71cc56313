// The one interface every coverage criterion implements (nc.ts, kmnc.ts, nbc.ts, snac.ts, tknc.ts):
// what it counts, which items an input covers, and what a generator needs to cover one more item.
import type { NeuronTerm } from '../../harness/types.js';
import type { LayerActivations } from './neuron-layout.js';

export const CRITERIA = ['nc', 'kmnc', 'nbc', 'snac', 'tknc'] as const;
export type CriterionName = (typeof CRITERIA)[number];

/** A criterion with its settings; the defaults are in criterion-params.ts. */
export type CriterionSpec =
  /** neuron coverage (DeepXplore): a neuron's value, min–max scaled within its layer, exceeds `threshold` */
  | { name: 'nc'; threshold: number }
  /** k-multisection coverage (DeepGauge): [low, high] of each neuron cut into `sections` equal sections */
  | { name: 'kmnc'; sections: number }
  /** neuron boundary coverage (DeepGauge): below low, above high */
  | { name: 'nbc' }
  /** strong neuron activation coverage (DeepGauge): above high */
  | { name: 'snac' }
  /** top-k neuron coverage (DeepGauge): among the k largest of its layer */
  | { name: 'tknc'; k: number };

/**
 * A coverage criterion over one model's neurons (numbered as in NeuronLayout). Its items are what it
 * counts: neurons (NC, SNAC, TKNC), neuron sections (KMNC) or neuron corners (NBC).
 */
export interface CoverageCriterion {
  readonly spec: CriterionSpec;
  /** the criterion and its settings, e.g. 'kmnc(k=10)' */
  readonly label: string;
  readonly items: number;
  /**
   * Whether objective() depends on where the input's activations are now; when it does not, a
   * generator may compute it once per target instead of reading the activations every step.
   */
  readonly adaptive: boolean;
  /** the neuron an item belongs to */
  neuronOf(item: number): number;
  /** the items that input `row` of the batch covers, ascending */
  hits(acts: LayerActivations, row: number): number[];
  /**
   * How far input `row` is from covering `item`, as a share of the range the criterion scales by
   * (the layer's range for NC and TKNC, the neuron's training range for the others); 0 once covered
   * or on its edge. DLFuzz's 'near-threshold' selection picks the nearest uncovered items.
   */
  distance(item: number, acts: LayerActivations, row: number): number;
  /** neuron terms whose ascent moves input `row` toward covering `item` (a linearisation where the goal is a band) */
  objective(item: number, acts: LayerActivations, row: number): NeuronTerm[];
}

/** Training-data range of each neuron, by global neuron index (see profile.ts). */
export interface NeuronBounds {
  low: Float32Array;
  high: Float32Array;
}

/** A neuron's training range, or 1 where it is a single point, so that distances stay finite. */
export function span(bounds: NeuronBounds, neuron: number): number {
  const width = bounds.high[neuron] - bounds.low[neuron];
  return width > 0 ? width : 1;
}
