// The paper's robustness measures as leaderboard columns (its equation 3): adversarial frequency
// φ(δ) = P(ρ ≤ δ) in %, and severity μ(δ) = E[ρ | ρ ≤ δ], ρ the L1 of the closest adversarial found.
// Over attacked (not skipped) samples; a sample with no reported adversarial has ρ = ∞.
import type { SampleRecordView } from '../../harness/types.js';
import type { MinimalLpParams } from './params.js';

interface TargetDetail {
  target: number;
  adversarial_l1: number | null;
  checked: boolean;
}

/**
 * Untargeted ρ is the harness-validated adversarial's L1. Per target (target: each), the record holds
 * one validated adversarial; the others come from details, where only those the model's own float32
 * prediction confirmed count, and none from a record whose claimed adversarial failed validation.
 */
export function frequencyColumns(records: readonly SampleRecordView[], p: MinimalLpParams): Record<string, string | number> {
  const attacked = records.filter((r) => r.status !== 'skipped');
  const columns: Record<string, string | number> = {};
  addColumns(columns, '', attacked.map(validatedL1), p.deltas);
  if (p.target === 'each') {
    const classes = new Set<number>();
    for (const r of attacked) for (const d of targetDetails(r)) classes.add(d.target);
    for (const target of [...classes].sort((a, b) => a - b)) {
      const eligible = attacked.filter((r) => r.label !== target);
      addColumns(columns, `_t${target}`, eligible.map((r) => targetL1(r, target)), p.deltas);
    }
  }
  columns.complete_pct = attacked.length === 0 ? '' : round((100 * attacked.filter((r) => r.details.complete === true).length) / attacked.length, 2);
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

function validatedL1(record: SampleRecordView): number {
  return record.status === 'adversarial' && record.distances !== null ? record.distances.l1 : Infinity;
}

function targetL1(record: SampleRecordView, target: number): number {
  if (record.status === 'adversarial' && record.target === target) return validatedL1(record);
  if (record.status === 'invalid') return Infinity;
  const detail = targetDetails(record).find((d) => d.target === target);
  return detail !== undefined && detail.checked && detail.adversarial_l1 !== null ? detail.adversarial_l1 : Infinity;
}

function targetDetails(record: SampleRecordView): TargetDetail[] {
  const targets = record.details.targets;
  if (!Array.isArray(targets)) return [];
  return targets.filter(
    (d): d is TargetDetail =>
      typeof d === 'object' && d !== null && typeof (d as TargetDetail).target === 'number' && typeof (d as TargetDetail).checked === 'boolean',
  );
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
