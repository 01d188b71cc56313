// samples.jsonl, contract v1: one object per (job, sample), appended as each sample finishes.
import type { Distances } from '../../metrics/distances.js';
import type { BoundClaim } from '../types.js';

export const RESULTS_CONTRACT = 'gauntlet-results/v1';

export type RecordStatus = 'adversarial' | 'not_found' | 'robust' | 'invalid' | 'error' | 'timeout' | 'skipped';

export interface SampleCost {
  /** images passed forward through the model (a batch of n counts n) */
  forward: number;
  /** images whose input gradient was computed */
  gradient: number;
  solver_calls: number;
}

export interface SampleRecord {
  job: string;
  dataset: string;
  split: string;
  index: number;
  /** zoo name, or the path exactly as the config gave it */
  model: string;
  attack: string;
  label: number;
  prediction: number;
  status: RecordStatus;
  /** validated (or rejected, when status is invalid) adversarial, flattened in the input layout */
  adversarial: number[] | null;
  adversarial_prediction: number | null;
  target: number | null;
  distances: Distances | null;
  /** why a claim is invalid, or the error/timeout message */
  message: string | null;
  /** the region a 'robust' claim holds in */
  region: string | null;
  time_ms: number;
  cost: SampleCost;
  /** the plugin's bounds on every adversarial of this sample (checked by the claims ledger) */
  claims: BoundClaim[];
  details: Record<string, unknown>;
}

/** Float32 values survive a JSON round trip exactly with 9 significant digits; shorter text than doubles. */
export function float32ToJson(values: Float32Array): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number(values[i].toPrecision(9));
  return out;
}
