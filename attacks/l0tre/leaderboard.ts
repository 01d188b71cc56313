// L0-TRE's leaderboard columns, from validated data only. Bounds mode: global robustness over the
// job; the lower bounds are the plugin's own (conditional on the grid), the upper bounds the L0
// distances the harness measured on validated adversarials, never the plugin's word. Coverage mode:
// neuron coverage of the samples and with the generated tests (averaged over chunks, each its own test set).
import type { SampleRecordView } from '../../harness/types.js';
import type { L0treParams } from './params.js';

function mean(values: number[]): number | string {
  return values.length === 0 ? '' : Number((values.reduce((a, b) => a + b, 0) / values.length).toFixed(4));
}

function boundsColumns(records: readonly SampleRecordView[]): Record<string, string | number> {
  const searched = records.filter((r) => typeof r.details.lower === 'number');
  const bounded = searched.filter((r) => r.status === 'adversarial' && r.distances !== null);
  const pairs = bounded.map((r) => ({ l: r.details.lower as number, u: (r.distances as { l0: number }).l0 }));
  return {
    l0tre_lower: mean(searched.map((r) => r.details.lower as number)),
    l0tre_upper: mean(pairs.map((p) => p.u)),
    l0tre_estimate: mean(pairs.map((p) => (p.l + p.u) / 2)),
    l0tre_radius: mean(pairs.map((p) => (p.u - p.l) / 2)),
    l0tre_converged: pairs.filter((p) => p.l >= p.u).length,
    l0tre_unbounded: searched.length - bounded.length,
  };
}

interface CoverageDetails {
  coverage: { neurons: number; before: number; after: number };
  tests: unknown[];
}

function coverageColumns(records: readonly SampleRecordView[]): Record<string, string | number> {
  const reports = records.flatMap((r) => (typeof r.details.coverage === 'object' && r.details.coverage !== null ? [r.details as unknown as CoverageDetails] : []));
  const percent = (key: 'before' | 'after'): number[] => reports.map((d) => (100 * d.coverage[key]) / d.coverage.neurons);
  return {
    nc_before: mean(percent('before')),
    nc_after: mean(percent('after')),
    neurons: reports[0]?.coverage.neurons ?? '',
    tests: reports.reduce((sum, d) => sum + d.tests.length, 0),
  };
}

export function l0treLeaderboard(records: readonly SampleRecordView[], params: L0treParams): Record<string, string | number> {
  return params.mode === 'coverage' ? coverageColumns(records) : boundsColumns(records);
}
