// The paper's robustness measures as leaderboard columns (its equation 3): adversarial frequency
// φ(δ) = P(ρ ≤ δ) in %, and severity μ(δ) = E[ρ | ρ ≤ δ], ρ the L1 of the closest adversarial found.
// Over attacked (not skipped) samples; a sample with no validated adversarial has ρ = ∞.
import type { SampleRecordView } from '../../harness/types.js';
import type { MinimalLpParams } from './params.js';

/**
 * ρ is always an L1 the harness measured on an adversarial it validated. Untargeted, the record's own
 * adversarial; per target (target: each), the record's own for its class and the further examples the
 * harness validated for the others. Each example stands on its own verdict.
 */
export function frequencyColumns(records: readonly SampleRecordView[], p: MinimalLpParams): Record<string, string | number> {
  const attacked = records.filter((r) => r.status !== 'skipped');
  const columns: Record<string, string | number> = {};
  addColumns(columns, '', attacked.map(validatedL1), p.deltas);
  if (p.target === 'each') {
    const classes = new Set<number>();
    for (const r of attacked) for (const target of targetsSearched(r)) classes.add(target);
    for (const target of [...classes].sort((a, b) => a - b)) {
      const eligible = attacked.filter((r) => r.label !== target);
      addColumns(columns, `_t${target}`, eligible.map((r) => targetL1(r, target)), p.deltas);
    }
  }
  columns.complete_pct = share(attacked, (r) => r.details.complete === true);
  columns.exact_pct = share(attacked, provenMinimal);
  columns.mean_lps = attacked.length === 0 ? '' : round(attacked.reduce((a, r) => a + (typeof r.details.lps_solved === 'number' ? r.details.lps_solved : 0), 0) / attacked.length, 2);
  return columns;
}

function addColumns(columns: Record<string, string | number>, suffix: string, rho: readonly number[], deltas: readonly number[]): void {
  for (const delta of deltas) {
    const within = rho.filter((value) => value <= delta);
    columns[`phi_${delta}${suffix}`] = rho.length === 0 ? '' : round((100 * within.length) / rho.length, 2);
    columns[`mu_${delta}${suffix}`] = within.length === 0 ? '' : round(within.reduce((a, b) => a + b, 0) / within.length, 4);
  }
}

function share(records: readonly SampleRecordView[], counts: (r: SampleRecordView) => boolean): number | '' {
  return records.length === 0 ? '' : round((100 * records.filter(counts).length) / records.length, 2);
}

function validatedL1(record: SampleRecordView): number {
  return record.status === 'adversarial' && record.distances !== null ? record.distances.l1 : Infinity;
}

/**
 * The record's ρ is the minimum (up to the cost of the margin κ) when the search proved its minimum and
 * float32 rejected no class: the class attaining the minimum was then polished, confirmed and reported
 * or beaten by a closer polished point. Otherwise ρ is an upper bound.
 */
function provenMinimal(record: SampleRecordView): boolean {
  return record.status === 'adversarial' && record.details.min_l1_exact === true && record.details.float32_rejected === undefined;
}

function targetL1(record: SampleRecordView, target: number): number {
  if (record.status === 'adversarial' && record.target === target) return validatedL1(record);
  const example = (record.examples ?? []).find((e) => e.valid && e.target === target && e.distances !== null);
  return example?.distances?.l1 ?? Infinity;
}

/** The classes the plugin searched for this sample (details.targets), whether or not it found one. */
function targetsSearched(record: SampleRecordView): number[] {
  const targets = record.details.targets;
  if (!Array.isArray(targets)) return [];
  return targets.flatMap((d: unknown) => {
    const target = typeof d === 'object' && d !== null ? (d as { target?: unknown }).target : undefined;
    return typeof target === 'number' ? [target] : [];
  });
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
