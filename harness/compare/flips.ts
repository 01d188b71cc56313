// Sample by sample, for one job present in both runs: which samples the attack now breaks that it did
// not (newly broken) and which it no longer breaks (newly robust), with McNemar's test on the flips.
import type { SampleRecord } from '../results/record.js';
import { mcnemarExact } from './mcnemar.js';

export interface Flips {
  /** samples attacked (not skipped) in both runs */
  paired: number;
  /** not a validated adversarial in the baseline, one now */
  newlyBroken: number[];
  /** a validated adversarial in the baseline, none now */
  newlyRobust: number[];
  /** two-sided exact McNemar p-value for "the success rate did not change" */
  p: number;
}

type Outcome = Pick<SampleRecord, 'index' | 'status'>;

export function pairedFlips(baseline: readonly Outcome[], current: readonly Outcome[]): Flips {
  const before = new Map(baseline.filter((r) => r.status !== 'skipped').map((r) => [r.index, r.status === 'adversarial']));
  const newlyBroken: number[] = [];
  const newlyRobust: number[] = [];
  let paired = 0;
  for (const record of current) {
    const was = before.get(record.index);
    if (was === undefined || record.status === 'skipped') continue;
    paired++;
    const now = record.status === 'adversarial';
    if (now && !was) newlyBroken.push(record.index);
    if (was && !now) newlyRobust.push(record.index);
  }
  newlyBroken.sort((a, b) => a - b);
  newlyRobust.sort((a, b) => a - b);
  return { paired, newlyBroken, newlyRobust, p: mcnemarExact(newlyBroken.length, newlyRobust.length) };
}
