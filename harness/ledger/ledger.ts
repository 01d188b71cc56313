// The claims ledger: after every run, every plugin's unconditional lower bounds are checked against
// every plugin's validated adversarials on the same sample, and the two are joined into robustness
// brackets. It reads only records, so it can run again on any samples.jsonl (after a merge, say).
import { join } from 'node:path';
import type { SampleRecord } from '../results/record.js';
import { boundGaps, bracketsOf, GAP_COLUMNS, writeBrackets, type GapColumn } from './brackets.js';
import { claimsLines, writeClaims } from './claims-file.js';
import { contradictionCounts, findContradictions, writeContradictions, type Contradiction } from './contradictions.js';
import { groupBySample } from './sample-claims.js';

export const LEDGER_FILES = { claims: 'claims.jsonl', contradictions: 'contradictions.csv', brackets: 'brackets.csv' } as const;

export type LedgerColumns = Record<'contradictions', number> & Record<GapColumn, number | ''>;

export interface LedgerInput {
  /** the run directory the three files are written to */
  outDir: string;
  /** hashes of every job of the run, so jobs without records still get their columns */
  jobs: readonly string[];
  records: readonly SampleRecord[];
  /** classes of a dataset: targeted bounds for every class but the label together bound every adversarial */
  numClasses(dataset: string): number;
}

export interface LedgerResult {
  contradictions: Contradiction[];
  /** per job hash */
  columns: Map<string, LedgerColumns>;
}

export function runLedger(input: LedgerInput): LedgerResult {
  const groups = groupBySample(input.records);
  const contradictions = groups.flatMap(findContradictions);
  const brackets = groups.flatMap((group) => bracketsOf(group, input.numClasses(group.dataset)));
  writeClaims(join(input.outDir, LEDGER_FILES.claims), claimsLines(groups));
  writeContradictions(join(input.outDir, LEDGER_FILES.contradictions), contradictions);
  writeBrackets(join(input.outDir, LEDGER_FILES.brackets), brackets);

  const counts = contradictionCounts(contradictions);
  const gaps = boundGaps(brackets);
  const noGaps = Object.fromEntries(GAP_COLUMNS.map((column) => [column, ''])) as Record<GapColumn, ''>;
  const columns = new Map(input.jobs.map((job): [string, LedgerColumns] => [job, { contradictions: counts.get(job) ?? 0, ...(gaps.get(job) ?? noGaps) }]));
  return { contradictions, columns };
}

/** One line per contradiction, for the end of a run. */
export function describeContradiction(c: Contradiction): string {
  const { claim } = c.claim;
  const relation = claim.strict ? '>' : '>=';
  const target = claim.target === undefined ? '' : ` to class ${claim.target}`;
  return `${c.group.model} ${c.group.dataset}/${c.group.split}#${c.group.index}: ${c.adversarial.attack} (job ${c.adversarial.job}) found an adversarial${c.adversarial.source === 'adversarial' ? '' : ` (its further ${c.adversarial.source})`} at ${c.norm} = ${c.distance}, `
    + `but ${c.claim.attack} (job ${c.claim.job}) claims every adversarial${target} is at ${c.norm} ${relation} ${claim.value}`;
}
