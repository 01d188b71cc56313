// A validated adversarial closer than some plugin's unconditional lower bound: one of the two plugins is
// wrong (or the bound was stated for a different model than it was run on). Each pair is one row.
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { Norm } from '../types.js';
import { violates } from './bound.js';
import { claimsOf, NORMS, validatedAdversarials, type LedgerAdversarial, type LedgerClaim, type SampleGroup } from './sample-claims.js';
import { distanceSlack } from './slack.js';

export interface Contradiction {
  group: SampleGroup;
  norm: Norm;
  claim: LedgerClaim;
  adversarial: LedgerAdversarial;
  distance: number;
}

export function findContradictions(group: SampleGroup): Contradiction[] {
  const adversarials = validatedAdversarials(group);
  if (adversarials.length === 0) return [];
  const found: Contradiction[] = [];
  for (const norm of NORMS) {
    for (const claim of claimsOf(group, norm)) {
      if (!('bound' in claim.use)) continue;
      const { bound } = claim.use;
      for (const adversarial of adversarials) {
        // a targeted bound speaks only of adversarials labelled as its target
        if (claim.claim.target !== undefined && adversarial.prediction !== claim.claim.target) continue;
        const distance = adversarial.distances[norm];
        if (violates(distance, bound, distanceSlack(norm, adversarial.elements))) {
          found.push({ group, norm, claim, adversarial, distance });
        }
      }
    }
  }
  return found;
}

export const CONTRADICTION_COLUMNS = [
  'model', 'dataset', 'split', 'index', 'label', 'norm',
  'bound_attack', 'bound_job', 'bound_status', 'bound_value', 'bound_strict', 'bound_target',
  'adversarial_attack', 'adversarial_job', 'adversarial_status', 'adversarial_source', 'adversarial_prediction', 'distance',
] as const;

export function writeContradictions(path: string, contradictions: readonly Contradiction[]): void {
  const rows = contradictions.map((c): Record<(typeof CONTRADICTION_COLUMNS)[number], string | number> => ({
    model: c.group.model,
    dataset: c.group.dataset,
    split: c.group.split,
    index: c.group.index,
    label: c.group.label,
    norm: c.norm,
    bound_attack: c.claim.attack,
    bound_job: c.claim.job,
    bound_status: c.claim.status,
    bound_value: c.claim.claim.value,
    bound_strict: String(c.claim.claim.strict),
    bound_target: c.claim.claim.target ?? '',
    adversarial_attack: c.adversarial.attack,
    adversarial_job: c.adversarial.job,
    adversarial_status: c.adversarial.status,
    adversarial_source: c.adversarial.source,
    adversarial_prediction: c.adversarial.prediction ?? '',
    distance: c.distance,
  }));
  writeFileSync(path, stringify(rows, { header: true, columns: [...CONTRADICTION_COLUMNS] }));
}

/** Per job: the contradictions its adversarials cause plus those its claims suffer (a job contradicting itself counts once). */
export function contradictionCounts(contradictions: readonly Contradiction[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of contradictions) {
    for (const job of new Set([c.claim.job, c.adversarial.job])) counts.set(job, (counts.get(job) ?? 0) + 1);
  }
  return counts;
}
