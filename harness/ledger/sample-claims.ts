// The ledger's view of a run: records grouped by the sample they are about (model, dataset, split,
// index), whichever job wrote them, and each group's claims per norm with the bound they amount to.
import type { Distances } from '../../metrics/distances.js';
import type { RecordStatus, SampleRecord } from '../results/record.js';
import type { BoundClaim, Norm } from '../types.js';
import { normalisedBound, type Bound } from './bound.js';

export const NORMS: readonly Norm[] = ['l0', 'l1', 'l2', 'linf'];

/** Every record any job wrote about one sample of one model. */
export interface SampleGroup {
  model: string;
  dataset: string;
  split: string;
  index: number;
  label: number;
  /** ordered by job hash, so the files the ledger writes do not depend on the order jobs ran in */
  records: SampleRecord[];
}

export interface LedgerClaim {
  job: string;
  attack: string;
  /** status of the record that carries the claim */
  status: RecordStatus;
  claim: BoundClaim;
  /** the bound as the ledger compares it, or why the claim is recorded but never used */
  use: { bound: Bound } | { ignored: string };
}

export function groupBySample(records: readonly SampleRecord[]): SampleGroup[] {
  const groups = new Map<string, SampleGroup>();
  for (const record of records) {
    const key = JSON.stringify([record.model, record.dataset, record.split, record.index]);
    let group = groups.get(key);
    if (group === undefined) {
      group = { model: record.model, dataset: record.dataset, split: record.split, index: record.index, label: record.label, records: [] };
      groups.set(key, group);
    }
    group.records.push(record);
  }
  const sorted = [...groups.values()].sort(
    (a, b) => compare(a.model, b.model) || compare(a.dataset, b.dataset) || compare(a.split, b.split) || a.index - b.index,
  );
  for (const group of sorted) group.records.sort((a, b) => compare(a.job, b.job));
  return sorted;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function claimsOf(group: SampleGroup, norm: Norm): LedgerClaim[] {
  return group.records.flatMap((record) =>
    record.claims
      .filter((claim) => claim.norm === norm)
      .map((claim): LedgerClaim => ({ job: record.job, attack: record.attack, status: record.status, claim, use: useOf(claim) })),
  );
}

function useOf(claim: BoundClaim): LedgerClaim['use'] {
  if (claim.condition !== undefined) return { ignored: 'conditional' };
  // NaN and infinities reach samples.jsonl as null
  if (typeof claim.value !== 'number' || !Number.isFinite(claim.value)) return { ignored: 'value is not a finite number' };
  return { bound: normalisedBound(claim.norm, claim.value, claim.strict) };
}

/** A validated adversarial of a sample: a record's own, or one of its harness-validated further examples. */
export interface LedgerAdversarial {
  job: string;
  attack: string;
  /** status of the record it belongs to */
  status: RecordStatus;
  /** the model's label for it */
  prediction: number | null;
  distances: Distances;
  /** input elements, for the float32 slack of distances (see slack.ts) */
  elements: number;
  /** 'adversarial' for the record's own, 'example <k>' for its k-th further example */
  source: string;
}

/**
 * The validated adversarials of a group — the only adversarials the ledger believes: each record's
 * own when its status is `adversarial`, and every further example the harness found valid.
 */
export function validatedAdversarials(group: SampleGroup): LedgerAdversarial[] {
  // examples keep no pixels: their element count is that of the sample's other adversarials
  const elements = Math.max(0, ...group.records.map((r) => r.adversarial?.length ?? 0));
  return group.records.flatMap((record): LedgerAdversarial[] => {
    const base = { job: record.job, attack: record.attack, status: record.status, elements };
    const own: LedgerAdversarial[] = record.status === 'adversarial' && record.distances !== null
      ? [{ ...base, prediction: record.adversarial_prediction, distances: record.distances, source: 'adversarial' }]
      : [];
    const examples = (record.examples ?? []).flatMap((example, k): LedgerAdversarial[] =>
      example.valid && example.distances !== null ? [{ ...base, prediction: example.prediction, distances: example.distances, source: `example ${k}` }] : [],
    );
    return [...own, ...examples];
  });
}
