// How far the validated adversarials lie from their originals: one box plot per norm, a box per job.
import type { SampleRecord } from '../results/record.js';
import { PLOT_WIDTH, SCHEMA, type Plot } from './plot.js';

const NORM_TITLES: Record<string, string> = { l0: 'L0 (pixels changed)', l1: 'L1', l2: 'L2', linf: 'L∞' };

export function distancePlots(records: readonly SampleRecord[], labelOf: (job: string) => string): Plot[] {
  const byNorm = new Map<string, { job: string; distance: number }[]>();
  for (const r of records) {
    if (r.status !== 'adversarial' || r.distances === null) continue;
    for (const [norm, distance] of Object.entries(r.distances)) {
      if (typeof distance !== 'number' || !Number.isFinite(distance)) continue;
      const list = byNorm.get(norm) ?? [];
      list.push({ job: labelOf(r.job), distance });
      byNorm.set(norm, list);
    }
  }
  return [...byNorm].map(([norm, values]) => ({
    title: `${NORM_TITLES[norm] ?? norm} distance of the validated adversarials`,
    caption: `Per job: median, quartiles and range of the ${NORM_TITLES[norm] ?? norm} distance from each adversarial to its original.`,
    spec: {
      $schema: SCHEMA,
      data: { values },
      mark: { type: 'boxplot', extent: 'min-max' },
      // the boxplot composite does not pass axis options down; job labels are long
      config: { axis: { labelLimit: 360 } },
      width: PLOT_WIDTH - 200,
      height: { step: 22 },
      encoding: {
        y: { field: 'job', type: 'nominal', title: null, sort: null },
        x: { field: 'distance', type: 'quantitative', title: NORM_TITLES[norm] ?? norm, scale: { zero: true } },
        color: { field: 'job', type: 'nominal', legend: null },
      },
    },
  }));
}
