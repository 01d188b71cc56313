// What a coverage-guided generator records per sample about coverage on the model under attack, and
// the leaderboard columns computed from it: the seed project's metrics (coverage before and after,
// mean time per adversarial input; the adversarial inputs generated are the v1 'adversarial' column).
import type { SampleRecordView } from '../../harness/types.js';
import type { CoverageCriterion } from './criterion.js';

export interface CoverageDetails {
  /** e.g. 'kmnc(k=10)' */
  criterion: string;
  items: number;
  /** items the seed covers */
  seed_items: number[];
  /** items the generated input covers that the seed does not (empty without one) */
  new_items: number[];
  /** coverage of the seed alone */
  coverage_seed: number;
  /** coverage of the seed and every input the search evaluated */
  coverage_search: number;
  /** targets the search steered toward, and how many of them it covered */
  targets: number;
  targets_hit: number;
}

export function coverageDetails(
  criterion: CoverageCriterion,
  seedItems: readonly number[],
  outputItems: readonly number[] | undefined,
  search: { covered: number; targets: number; targetsHit: number },
): CoverageDetails {
  const seed = new Set(seedItems);
  const round = (v: number): number => Number(v.toFixed(6));
  return {
    criterion: criterion.label,
    items: criterion.items,
    seed_items: [...seedItems],
    new_items: (outputItems ?? []).filter((item) => !seed.has(item)),
    coverage_seed: round(seedItems.length / criterion.items),
    coverage_search: round(search.covered / criterion.items),
    targets: search.targets,
    targets_hit: search.targetsHit,
  };
}

const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : []);

/**
 * Leaderboard columns from the records' coverage details. Before: the union of the seeds' items over
 * every searched sample; after: that and the new items of the validated adversarials (the generated
 * inputs that count). Time per adversarial input is the job's whole time over the adversarials found,
 * as DLFuzz reports it.
 */
export function coverageColumns(records: readonly SampleRecordView[]): Record<string, string | number> {
  const searched = records.filter((r) => r.status !== 'skipped' && typeof r.details.items === 'number');
  const adversarial = records.filter((r) => r.status === 'adversarial');
  const items = searched.length > 0 ? (searched[0].details.items as number) : 0;
  const before = new Set(searched.flatMap((r) => numbers(r.details.seed_items)));
  const after = new Set([...before, ...adversarial.flatMap((r) => numbers(r.details.new_items))]);
  const time = records.filter((r) => r.status !== 'skipped').reduce((sum, r) => sum + r.time_ms, 0) / 1000;
  const mean = (values: number[]): number | '' => (values.length === 0 ? '' : Number((values.reduce((a, b) => a + b, 0) / values.length).toFixed(4)));
  return {
    coverage_criterion: searched.length > 0 ? String(searched[0].details.criterion) : '',
    coverage_before: items === 0 ? '' : Number((before.size / items).toFixed(4)),
    coverage_after: items === 0 ? '' : Number((after.size / items).toFixed(4)),
    mean_new_items: mean(adversarial.map((r) => numbers(r.details.new_items).length)),
    mean_iterations: mean(searched.flatMap((r) => (typeof r.details.iterations === 'number' ? [r.details.iterations] : []))),
    time_per_adversarial_s: adversarial.length === 0 ? '' : Number((time / adversarial.length).toFixed(4)),
  };
}
