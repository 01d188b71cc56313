// The leaderboard's frequency φ(δ) and severity μ(δ), computed by hand on a handful of records.
import { describe, expect, it } from '@jest/globals';
import { minimalLp } from '../../attacks/minimal-lp/index.js';
import type { SampleRecordView } from '../../harness/types.js';

function record(partial: Partial<SampleRecordView> & Pick<SampleRecordView, 'status' | 'label'>): SampleRecordView {
  return {
    index: 0,
    adversarial_prediction: null,
    target: null,
    distances: null,
    time_ms: 1,
    cost: { forward: 0, gradient: 0, solver_calls: 0 },
    claims: [],
    details: {},
    ...partial,
  };
}

const l1 = (value: number): SampleRecordView['distances'] => ({ l0: 1, l1: value, l2: value, linf: value });

describe('minimal-lp leaderboard columns', () => {
  it('untargeted: share of attacked samples within δ, and their mean L1; skipped samples do not count', () => {
    const records = [
      record({ status: 'adversarial', label: 1, distances: l1(2), details: { complete: true, lps_solved: 10 } }),
      record({ status: 'adversarial', label: 2, distances: l1(4), details: { complete: true, lps_solved: 30 } }),
      record({ status: 'adversarial', label: 3, distances: l1(12), details: { complete: false, lps_solved: 50 } }),
      record({ status: 'robust', label: 4, details: { complete: true, lps_solved: 10 } }),
      record({ status: 'invalid', label: 5, distances: l1(1), details: { complete: true, lps_solved: 0 } }),
      record({ status: 'skipped', label: 6 }),
    ];
    const columns = minimalLp.leaderboard(records, minimalLp.params.parse({ deltas: [5, 20] }));
    expect(columns).toEqual({ phi_5: 40, mu_5: 3, phi_20: 60, mu_20: 6, complete_pct: 80, mean_lps: 20 });
  });

  it('each target: per class, over samples of other labels, from the validated record or the float32-checked details', () => {
    const details = (targets: { target: number; adversarial_l1: number | null; checked: boolean }[]) => ({ complete: true, lps_solved: 1, targets });
    const records = [
      // label 0: class 1 validated by the harness at 3, class 2 checked at 6
      record({ status: 'adversarial', label: 0, target: 1, distances: l1(3), details: details([{ target: 1, adversarial_l1: 3, checked: true }, { target: 2, adversarial_l1: 6, checked: true }]) }),
      // label 1: class 0 at 4 but not confirmed by float32, class 2 at 1
      record({ status: 'adversarial', label: 1, target: 2, distances: l1(1), details: details([{ target: 0, adversarial_l1: 4, checked: false }, { target: 2, adversarial_l1: 1, checked: true }]) }),
      // label 2: its claim failed validation, so none of its details count
      record({ status: 'invalid', label: 2, target: 0, distances: l1(1), details: details([{ target: 0, adversarial_l1: 1, checked: true }, { target: 1, adversarial_l1: 1, checked: true }]) }),
    ];
    const columns = minimalLp.leaderboard(records, minimalLp.params.parse({ target: 'each', deltas: [5] }));
    expect(columns).toMatchObject({
      phi_5: 66.67,
      mu_5: 2,
      // class 0: samples labelled 1 and 2, neither counts
      phi_5_t0: 0,
      mu_5_t0: '',
      // class 1: samples labelled 0 (3) and 2 (invalid)
      phi_5_t1: 50,
      mu_5_t1: 3,
      // class 2: samples labelled 0 (6 > 5) and 1 (1)
      phi_5_t2: 50,
      mu_5_t2: 1,
    });
  });
});
