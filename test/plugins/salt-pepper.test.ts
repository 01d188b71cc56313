import { describe, expect, it } from '@jest/globals';
import { saltPepper } from '../../attacks/salt-pepper/index.js';
import { validateClaims } from '../../harness/validate.js';
import { runPlugin, type LabelledSample } from '../conformance/run-plugin.js';
import { linearModel } from '../helpers/linear-model.js';

// Four pixels at 0.5; class 1 wins iff x0 + x1 > 1.5, which needs BOTH of pixels 0 and 1 set to 1
// (one white pixel gives at most 1.5). So every adversarial has L0 >= 2, and none exists with 1 pixel.
const model = linearModel({ weights: [[0, 0, 0, 0], [1, 1, 0, 0]], bias: [1.5, 0] });
const sample: LabelledSample = { index: 0, x: Float32Array.from([0.5, 0.5, 0.5, 0.5]), label: 0 };

describe('salt-pepper', () => {
  it('parses defaults and declares an L0 threat', () => {
    expect(saltPepper.params.parse({})).toEqual({ max_pixels: 40, trials: 5 });
    expect(saltPepper.threat(saltPepper.params.parse({ max_pixels: 3 }))).toEqual({ norm: 'l0', budget: 3 });
    expect(() => saltPepper.params.parse({ max_pixel: 3 })).toThrow(/max_pixel/);
  });

  it('finds the two-pixel adversarial given enough trials, within its L0 budget', async () => {
    const params = saltPepper.params.parse({ max_pixels: 4, trials: 200 });
    const [outcome] = await runPlugin({ plugin: saltPepper, model, samples: [sample], params });
    expect(outcome.status).toBe('adversarial');
    if (outcome.status !== 'adversarial') return;
    expect(outcome.adversarial[0]).toBe(1);
    expect(outcome.adversarial[1]).toBe(1);
    const [verdict] = await validateClaims(model, [{ original: sample.x, adversarial: outcome.adversarial, label: 0 }], saltPepper.threat(params));
    expect(verdict.valid).toBe(true);
    if (verdict.valid) expect(verdict.distances.l0).toBeGreaterThanOrEqual(2);
  });

  it('reports not_found when the budget is one pixel, after exactly max_pixels × trials batched steps', async () => {
    const params = saltPepper.params.parse({ max_pixels: 1, trials: 7 });
    const m = linearModel({ weights: [[0, 0, 0, 0], [1, 1, 0, 0]], bias: [1.5, 0] });
    const [outcome] = await runPlugin({ plugin: saltPepper, model: m, samples: [sample, { ...sample, index: 1 }], params });
    expect(outcome.status).toBe('not_found');
    expect(m.calls.classify).toEqual(Array(7).fill(2));
  });
});
