// Coverage reached by any set of inputs (a plugin's validated adversarials, a test set), under any
// criterion: what leaderboards report beside success rates.
import type { ModelHandle } from '../../harness/types.js';
import { criterionFor } from './criteria.js';
import type { CriterionName, CriterionSpec } from './criterion.js';
import { DEFAULT_NC_THRESHOLD } from './criterion-params.js';
import { CoverageTracker } from './tracker.js';

export interface CoverageReport {
  /** the criterion and its settings, e.g. 'kmnc(k=10)' */
  criterion: string;
  items: number;
  covered: number;
  /** covered / items */
  ratio: number;
  /** the covered items, ascending (to join the coverage of several input sets) */
  coveredItems: number[];
}

/** Rows per activations call, as for profiles. */
const BATCH = 4096;

const DEFAULTS: Record<CriterionName, CriterionSpec> = {
  nc: { name: 'nc', threshold: DEFAULT_NC_THRESHOLD },
  kmnc: { name: 'kmnc', sections: 10 },
  nbc: { name: 'nbc' },
  snac: { name: 'snac' },
  tknc: { name: 'tknc', k: 2 },
};

/**
 * The coverage of `inputs` (count·inputSize values) on `model`. A criterion given by name takes its
 * defaults (NC 0.75, KMNC k = 10, TKNC k = 2). KMNC, NBC and SNAC read the model's profile: a model
 * given by path needs `dataset`, the one it was trained on.
 */
export async function coverageOf(
  model: ModelHandle,
  inputs: Float32Array,
  criterion: CriterionName | CriterionSpec,
  options: { dataset?: string } = {},
): Promise<CoverageReport> {
  const spec = typeof criterion === 'string' ? DEFAULTS[criterion] : criterion;
  const tracker = new CoverageTracker(await criterionFor(model, spec, options.dataset));
  const count = inputs.length / model.inputSize;
  for (let start = 0; start < count; start += BATCH) {
    const rows = Math.min(BATCH, count - start);
    const acts = await model.activations(inputs.subarray(start * model.inputSize, (start + rows) * model.inputSize));
    for (let row = 0; row < rows; row++) tracker.add(tracker.criterion.hits(acts, row));
  }
  return { criterion: tracker.criterion.label, items: tracker.criterion.items, covered: tracker.covered, ratio: tracker.ratio, coveredItems: tracker.coveredItems() };
}
