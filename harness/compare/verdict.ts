// One metric of one job, baseline against current, judged by its tolerance.
import type { Tolerance } from './tolerances.js';

/**
 * same: identical · ok: moved within tolerance · improved / regression: moved beyond it, the better
 * or the worse way · changed: a value appeared or vanished (e.g. mean distances once no adversarial is
 * left), which the counts beside it judge.
 */
export type Verdict = 'same' | 'ok' | 'improved' | 'regression' | 'changed';

export type Value = number | string | null;

/** Leaderboard cells are rounded to at most 6 decimals; differences below that are formatting. */
const SLACK = 1e-9;

export function judge(baseline: Value, current: Value, tolerance: Tolerance): Verdict {
  if (baseline === current) return 'same';
  if (typeof baseline !== 'number' || typeof current !== 'number') return 'changed';
  if (within(baseline, current, tolerance)) return 'ok';
  const delta = current - baseline;
  if (tolerance.better === 'either') return 'regression';
  const worse = tolerance.better === 'higher' ? delta < 0 : delta > 0;
  return worse ? 'regression' : 'improved';
}

function within(baseline: number, current: number, t: Tolerance): boolean {
  const delta = Math.abs(current - baseline);
  if ('abs' in t) return delta <= t.abs + SLACK;
  if ('rel' in t) return delta <= t.rel * Math.abs(baseline) + SLACK;
  if (baseline <= 0 || current <= 0) return delta <= SLACK;
  return current <= baseline * t.ratio && current >= baseline / t.ratio;
}
