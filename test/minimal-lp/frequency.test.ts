// The leaderboard's frequency φ(δ), severity μ(δ) and exactness, computed by hand on a handful of records.
import { describe, expect, it } from '@jest/globals';
import { minimalLp } from '../../attacks/minimal-lp/index.js';
import type { ExampleVerdictView, SampleRecordView } from '../../harness/types.js';
import { recordView } from '../helpers/record-view.js';


const l1 = (value: number): SampleRecordView['distances'] => ({ l0: 1, l1: value, l2: value, linf: value });

describe('minimal-lp leaderboard columns', () => {
  it('untargeted: share of attacked samples within δ, and their mean L1; skipped samples do not count', () => {
    const records = [
      recordView({ status: 'adversarial', label: 1, distances: l1(2), details: { complete: true, min_l1_exact: true, lps_solved: 10 } }),
      recordView({ status: 'adversarial', label: 2, distances: l1(4), details: { complete: true, min_l1_exact: true, float32_rejected: [3], lps_solved: 30 } }),
      recordView({ status: 'adversarial', label: 3, distances: l1(12), details: { complete: false, min_l1_exact: false, lps_solved: 50 } }),
      recordView({ status: 'robust', label: 4, details: { complete: true, min_l1_exact: false, lps_solved: 10 } }),
      recordView({ status: 'invalid', label: 5, distances: l1(1), details: { complete: true, min_l1_exact: true, lps_solved: 0 } }),
      recordView({ status: 'skipped', label: 6 }),
    ];
    const columns = minimalLp.leaderboard(records, minimalLp.params.parse({ deltas: [5, 20] }));
    // exact: only the first — the second's closest class was rejected by float32, the fifth failed validation
    expect(columns).toEqual({ phi_5: 40, mu_5: 3, phi_20: 60, mu_20: 6, complete_pct: 80, exact_pct: 20, mean_lps: 20 });
  });

  it('each target: per class, over samples of other labels, from the validated record or the examples the harness validated', () => {
    const searched = (...targets: number[]) => ({ complete: true, lps_solved: 1, targets: targets.map((target) => ({ target, checked: true })) });
    const example = (target: number, value: number, valid = true): ExampleVerdictView =>
      valid
        ? { target, valid, prediction: target, distances: l1(value) }
        : { target, valid, prediction: 0, distances: l1(value), reason: 'model predicts 0, the true label' };
    const records = [
      // label 0: class 1 is the record's own adversarial at 3, class 2 a validated example at 6
      recordView({ status: 'adversarial', label: 0, target: 1, distances: l1(3), details: searched(1, 2), examples: [example(2, 6)] }),
      // label 1: class 2 is its own at 1; class 0's example at 4 failed validation, so it does not count
      recordView({ status: 'adversarial', label: 1, target: 2, distances: l1(1), details: searched(0, 2), examples: [example(0, 4, false)] }),
      // label 2: its own claim (class 0) failed validation; its example for class 1 stands on its own verdict
      recordView({ status: 'invalid', label: 2, target: 0, distances: l1(1), details: searched(0, 1), examples: [example(1, 2)] }),
      // label 3: details say class 2 was found, but the record has no example for it: it does not count
      recordView({ status: 'not_found', label: 3, details: searched(0, 1, 2) }),
    ];
    const columns = minimalLp.leaderboard(records, minimalLp.params.parse({ target: 'each', deltas: [5] }));
    expect(columns).toMatchObject({
      phi_5: 50,
      mu_5: 2,
      // class 0: samples labelled 1, 2 and 3, none counts
      phi_5_t0: 0,
      mu_5_t0: '',
      // class 1: samples labelled 0 (3), 2 (2, its example) and 3 (none)
      phi_5_t1: 66.67,
      mu_5_t1: 2.5,
      // class 2: samples labelled 0 (6 > 5), 1 (1) and 3 (none)
      phi_5_t2: 33.33,
      mu_5_t2: 1,
    });
    expect(Object.keys(columns).filter((k) => k.startsWith('phi_5_t'))).toEqual(['phi_5_t0', 'phi_5_t1', 'phi_5_t2']);
  });
});
