// samples.jsonl, contract v1: one object per (job, sample), appended as each sample finishes.
import type { Distances } from '../../metrics/distances.js';
import type { BoundClaim } from '../types.js';

export const RESULTS_CONTRACT = 'gauntlet-results/v1';

export type RecordStatus = 'adversarial' | 'not_found' | 'robust' | 'invalid' | 'error' | 'timeout' | 'skipped';

export interface SampleCost {
  /** images whose logits were computed (a batch of n counts n): through the model, or exactly without it (AttackContext.offModelForward) */
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
  /** the harness's verdicts on the plugin's further adversarials of this sample; absent when it gave none */
  examples?: ExampleRecord[];
}

/**
 * A further adversarial of the sample, validated like the record's own but kept without its pixels.
 * It never changes the record's `status`; only a `valid` one may count anywhere.
 */
export interface ExampleRecord {
  target: number | null;
  valid: boolean;
  /** the model's label for it; null when it could not be classified (wrong length, not finite) */
  prediction: number | null;
  distances: Distances | null;
  /** why it is invalid; absent when valid */
  reason?: string;
  /** the plugin's note, when it gave one */
  note?: string;
}

/**
 * The last conversions, by the float32's bits: adversarials often repeat values (a PGD chunk on MNIST
 * was once measured at about 2,500 distinct among 784,000 pixels; 500 records of PGD with its random
 * start, at 40% distinct, repeat far less), and the conversion is the record's most expensive
 * step (a quarter of PGD's end-to-end time on an MLP, with toPrecision).
 * Direct-mapped: a miss just overwrites the slot.
 */
const CACHE_SLOTS = 1 << 16;
const cachedBits = new Uint32Array(CACHE_SLOTS);
const cachedValues = new Float64Array(CACHE_SLOTS); // slot 0 holds bits 0 (+0.0) → 0 from the start

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact doubles up to 1e22

/**
 * Number(v.toPrecision(9)), computed without text (3–4× faster, for the cache's misses above):
 * v·10^k rounded to an integer n of 9 digits, then n/10^k, which IEEE division rounds to the
 * double nearest the decimal, as parsing the text would. Where that cannot be trusted (k beyond 10^22, or v·10^k within 1e-6 of
 * a rounding tie, where the product's own rounding could tip it) it falls back to the text. (Without
 * that margin no mismatch turned up in 20 million random float32s: it guards a case in theory.)
 */
export function nineDigits(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return Number(v.toPrecision(9));
  const a = Math.abs(v);
  let e = Math.floor(Math.log10(a));
  // log10 may be one off next to a power of ten: at most one correction either way
  for (let attempt = 0; attempt < 3; attempt++) {
    const k = 8 - e;
    if (k > 22 || k < -22) break;
    const scaled = k >= 0 ? a * POWERS_OF_TEN[k] : a / POWERS_OF_TEN[-k];
    if (scaled < 1e8 - 0.5) {
      e--;
      continue;
    }
    if (scaled >= 1e9 + 0.5) {
      e++;
      continue;
    }
    if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6) break;
    const n = Math.round(scaled);
    const r = k >= 0 ? n / POWERS_OF_TEN[k] : n * POWERS_OF_TEN[-k];
    return v < 0 ? -r : r;
  }
  return Number(v.toPrecision(9));
}

/** Float32 values survive a JSON round trip exactly with 9 significant digits; shorter text than doubles. */
export function float32ToJson(values: Float32Array): number[] {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const word = bits[i];
    const slot = (word ^ (word >>> 16) ^ (word >>> 7)) & (CACHE_SLOTS - 1);
    if (cachedBits[slot] !== word) {
      cachedBits[slot] = word;
      cachedValues[slot] = nineDigits(values[i]);
    }
    out[i] = cachedValues[slot];
  }
  return out;
}
