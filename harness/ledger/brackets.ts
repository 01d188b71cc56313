// Robustness brackets: per sample and norm, the best unconditional lower bound any plugin proved and
// the smallest validated adversarial any plugin found. The true minimal adversarial distance lies in
// between; a job's distance to the lower end says how close its adversarials come to the provable best.
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { Norm } from '../types.js';
import { tighter, type Bound } from './bound.js';
import { claimsOf, NORMS, validatedAdversarials, type LedgerClaim, type SampleGroup } from './sample-claims.js';

export interface LowerEnd {
  bound: Bound;
  /** the claim the value comes from */
  job: string;
  attack: string;
  /**
   * 'claim': an untargeted bound; 'every target': targeted bounds for every class but the label,
   * whose weakest bounds every adversarial, since each one lands in some class
   */
  source: 'claim' | 'every target';
}

export interface UpperEnd {
  distance: number;
  job: string;
  attack: string;
}

export interface Bracket {
  group: SampleGroup;
  norm: Norm;
  lower?: LowerEnd;
  upper?: UpperEnd;
}

/** The brackets of a sample, one per norm that has either end. */
export function bracketsOf(group: SampleGroup, numClasses: number): Bracket[] {
  const brackets: Bracket[] = [];
  for (const norm of NORMS) {
    const lower = lowerEnd(claimsOf(group, norm), group.label, numClasses);
    const upper = upperEnd(group, norm);
    if (lower !== undefined || upper !== undefined) brackets.push({ group, norm, ...(lower && { lower }), ...(upper && { upper }) });
  }
  return brackets;
}

function lowerEnd(claims: readonly LedgerClaim[], label: number, numClasses: number): LowerEnd | undefined {
  let best: LowerEnd | undefined;
  const perTarget = new Map<number, LowerEnd>();
  for (const claim of claims) {
    if (!('bound' in claim.use)) continue;
    const end: LowerEnd = { bound: claim.use.bound, job: claim.job, attack: claim.attack, source: 'claim' };
    const target = claim.claim.target;
    if (target === undefined) {
      if (best === undefined || tighter(end.bound, best.bound)) best = end;
    } else {
      const current = perTarget.get(target);
      if (current === undefined || tighter(end.bound, current.bound)) perTarget.set(target, end);
    }
  }
  const others = Array.from({ length: numClasses }, (_, c) => c).filter((c) => c !== label);
  if (others.length > 0 && others.every((c) => perTarget.has(c))) {
    let weakest = perTarget.get(others[0]) as LowerEnd;
    for (const c of others) {
      const end = perTarget.get(c) as LowerEnd;
      if (tighter(weakest.bound, end.bound)) weakest = end;
    }
    const combined: LowerEnd = { ...weakest, source: 'every target' };
    if (best === undefined || tighter(combined.bound, best.bound)) best = combined;
  }
  return best;
}

function upperEnd(group: SampleGroup, norm: Norm): UpperEnd | undefined {
  let best: UpperEnd | undefined;
  for (const record of validatedAdversarials(group)) {
    const distance = record.distances[norm];
    if (best === undefined || distance < best.distance) best = { distance, job: record.job, attack: record.attack };
  }
  return best;
}

export const BRACKET_COLUMNS = [
  'model', 'dataset', 'split', 'index', 'label', 'norm',
  'lower', 'lower_strict', 'lower_attack', 'lower_job', 'lower_source',
  'upper', 'upper_attack', 'upper_job', 'width',
] as const;

export function writeBrackets(path: string, brackets: readonly Bracket[]): void {
  const rows = brackets.map((b): Record<(typeof BRACKET_COLUMNS)[number], string | number> => ({
    model: b.group.model,
    dataset: b.group.dataset,
    split: b.group.split,
    index: b.group.index,
    label: b.group.label,
    norm: b.norm,
    lower: b.lower?.bound.value ?? '',
    lower_strict: b.lower === undefined ? '' : String(b.lower.bound.strict),
    lower_attack: b.lower?.attack ?? '',
    lower_job: b.lower?.job ?? '',
    lower_source: b.lower?.source ?? '',
    upper: b.upper?.distance ?? '',
    upper_attack: b.upper?.attack ?? '',
    upper_job: b.upper?.job ?? '',
    width: b.lower !== undefined && b.upper !== undefined ? b.upper.distance - b.lower.bound.value : '',
  }));
  writeFileSync(path, stringify(rows, { header: true, columns: [...BRACKET_COLUMNS] }));
}

export type GapColumn = `bound_gap_${Norm}`;
export const GAP_COLUMNS: readonly GapColumn[] = NORMS.map((norm) => `bound_gap_${norm}` as const);

/**
 * Per job and norm: the mean, over the samples where the job found a validated adversarial and some
 * plugin proved a lower bound, of (the job's distance − the bracket's lower end). Empty where no such
 * sample exists.
 */
export function boundGaps(brackets: readonly Bracket[]): Map<string, Record<GapColumn, number | ''>> {
  const sums = new Map<string, Map<Norm, { total: number; count: number }>>();
  for (const bracket of brackets) {
    if (bracket.lower === undefined) continue;
    // a job's closest adversarial of the sample (its further examples are farther or equal)
    const closest = new Map<string, number>();
    for (const adversarial of validatedAdversarials(bracket.group)) {
      const distance = adversarial.distances[bracket.norm];
      closest.set(adversarial.job, Math.min(distance, closest.get(adversarial.job) ?? Infinity));
    }
    for (const [job, distance] of closest) {
      const gap = distance - bracket.lower.bound.value;
      const perNorm = sums.get(job) ?? new Map<Norm, { total: number; count: number }>();
      const sum = perNorm.get(bracket.norm) ?? { total: 0, count: 0 };
      sum.total += gap;
      sum.count++;
      perNorm.set(bracket.norm, sum);
      sums.set(job, perNorm);
    }
  }
  const gaps = new Map<string, Record<GapColumn, number | ''>>();
  for (const [job, perNorm] of sums) {
    const entry = Object.fromEntries(NORMS.map((norm) => {
      const sum = perNorm.get(norm);
      return [`bound_gap_${norm}`, sum === undefined ? '' : Number((sum.total / sum.count).toFixed(6))];
    })) as Record<GapColumn, number | ''>;
    gaps.set(job, entry);
  }
  return gaps;
}
