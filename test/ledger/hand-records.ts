// Records written by hand, as runJob would write them, for testing the claims ledger without a model.
import type { SampleRecord } from '../../harness/results/record.js';
import type { BoundClaim } from '../../harness/types.js';

export interface HandRecord {
  job: string;
  index: number;
  attack?: string;
  model?: string;
  label?: number;
  status?: SampleRecord['status'];
  claims?: BoundClaim[];
  /** a validated adversarial: its distances, its label, and how many elements it has */
  adversarial?: { l0?: number; l1?: number; l2?: number; linf?: number; prediction: number; target?: number; elements?: number };
}

export function handRecord(spec: HandRecord): SampleRecord {
  const adv = spec.adversarial;
  return {
    job: spec.job,
    dataset: 'mnist',
    split: 'test',
    index: spec.index,
    model: spec.model ?? 'm',
    attack: spec.attack ?? `attack-${spec.job}`,
    label: spec.label ?? 0,
    prediction: spec.label ?? 0,
    status: spec.status ?? (adv === undefined ? 'not_found' : 'adversarial'),
    adversarial: adv === undefined ? null : new Array<number>(adv.elements ?? 4).fill(0.5),
    adversarial_prediction: adv?.prediction ?? null,
    target: adv?.target ?? null,
    distances: adv === undefined ? null : { l0: adv.l0 ?? 1, l1: adv.l1 ?? 1, l2: adv.l2 ?? 1, linf: adv.linf ?? 1 },
    message: null,
    region: null,
    time_ms: 1,
    cost: { forward: 1, gradient: 0, solver_calls: 0 },
    claims: spec.claims ?? [],
    details: {},
  };
}

export const lowerBound = (norm: BoundClaim['norm'], value: number, extra: Partial<BoundClaim> = {}): BoundClaim => ({ kind: 'lower_bound', norm, value, strict: false, ...extra });
