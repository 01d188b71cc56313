// claims.jsonl: one line per (model, dataset, split, sample index, norm) that any plugin made a claim
// about, listing every claim with the record it came from and whether the ledger uses it as a bound.
import { writeFileSync } from 'node:fs';
import type { Norm } from '../types.js';
import { claimsOf, NORMS, type SampleGroup } from './sample-claims.js';

export interface ClaimsLine {
  model: string;
  dataset: string;
  split: string;
  index: number;
  label: number;
  norm: Norm;
  claims: {
    job: string;
    attack: string;
    /** status of the record that carries the claim */
    status: string;
    value: number;
    strict: boolean;
    target: number | null;
    condition: string | null;
    /** the bound the ledger compares adversarials with (L0 rounded to a whole count), null when unused */
    used_as: { value: number; strict: boolean } | null;
    /** why the claim is not used as a bound ('conditional', …), null when it is */
    ignored: string | null;
  }[];
}

export function claimsLines(groups: readonly SampleGroup[]): ClaimsLine[] {
  const lines: ClaimsLine[] = [];
  for (const group of groups) {
    for (const norm of NORMS) {
      const claims = claimsOf(group, norm);
      if (claims.length === 0) continue;
      lines.push({
        model: group.model,
        dataset: group.dataset,
        split: group.split,
        index: group.index,
        label: group.label,
        norm,
        claims: claims.map((c) => ({
          job: c.job,
          attack: c.attack,
          status: c.status,
          value: c.claim.value,
          strict: c.claim.strict,
          target: c.claim.target ?? null,
          condition: c.claim.condition ?? null,
          used_as: 'bound' in c.use ? c.use.bound : null,
          ignored: 'ignored' in c.use ? c.use.ignored : null,
        })),
      });
    }
  }
  return lines;
}

export function writeClaims(path: string, lines: readonly ClaimsLine[]): void {
  writeFileSync(path, lines.map((line) => JSON.stringify(line) + '\n').join(''));
}
