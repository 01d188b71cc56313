// Known answers for the accumulation and the tightening on a hand-built linear classifier.
import { describe, expect, it } from '@jest/globals';
import { l0tre } from '../../attacks/l0tre/index.js';
import { runPlugin, type LabelledSample } from '../conformance/run-plugin.js';
import { linearModel } from '../helpers/linear-model.js';

// Six pixels at 0.5, grid {0, 1}. Label 0's logit z0 = 12 + 8·x0 − 8·x1 − 2·x2 − 2·x3 (10 at the
// start); z1 = 11·x2 + 11·x3 − 11 (0 at the start); z2 never matters; pixels 4, 5 do nothing.
// The most sensitive single changes are x0 → 0 and x1 → 1 (drop 4 each), then x2, x3 → 1 (drop 1),
// but no single change flips the label (z0 ≥ 6 > 5.5 ≥ z1). Accumulating in order of sensitivity
// flips it at {x0 = 0, x1 = 1, x2 = 1} (z0 = 1 < z1 = 5.5). Tightening restores x0 (z0 = 5 < 5.5),
// cannot restore x1 (z0 = 9) nor x2: it ends at {x1 = 1, x2 = 1}, two pixels, with their own values.
const model = linearModel({
  weights: [
    [8, -8, -2, -2, 0, 0],
    [0, 0, 11, 11, 0, 0],
    [0, 0, 0, 0, 0, 0],
  ],
  bias: [12, -11, -100],
});
const sample: LabelledSample = { index: 0, x: new Float32Array(6).fill(0.5), label: 0 };

describe('l0tre upper bound', () => {
  it('accumulates by sensitivity, then tightens each pixel back to its own value', async () => {
    const params = l0tre.params.parse({ t_max: 1 });
    const [outcome] = await runPlugin({ plugin: l0tre, model, samples: [sample], params });
    expect(outcome.status).toBe('adversarial');
    if (outcome.status !== 'adversarial') return;
    expect(Array.from(outcome.adversarial)).toEqual([0.5, 1, 1, 0.5, 0.5, 0.5]);
    expect(outcome.details).toMatchObject({
      lower: 2,
      upper: 2,
      converged: true,
      stages: [{ t: 1, lower: 2, upper: 2, subspaces: 6, queries: 12, flipped: false, found: { l0: 2, accumulated: 3, restored: 1, pixels: [[1, 1], [2, 1]] } }],
    });
    expect(outcome.claims).toEqual([{ kind: 'lower_bound', norm: 'l0', value: 2, strict: false, condition: 'every changed pixel takes a value of the grid {0, 1}' }]);
  });

  it('stops at the anytime budget and reports the bounds reached, claiming nothing it did not prove', async () => {
    const params = l0tre.params.parse({ t_max: 2, time_budget_s: 1e-9, batch_size: 4 });
    const [outcome] = await runPlugin({ plugin: l0tre, model, samples: [sample], params });
    expect(outcome.status).toBe('not_found');
    expect(outcome.details).toMatchObject({ lower: 1, upper: null, stopped: 'budget', stages: [] });
    expect(outcome.claims).toEqual([]);
  });
});
