import { describe, expect, it } from '@jest/globals';
import { fgsm } from '../../attacks/fgsm/index.js';
import { validateClaims } from '../../harness/validate.js';
import { runPlugin } from '../conformance/run-plugin.js';
import { linearModel } from '../helpers/linear-model.js';
import { linearProblem } from './linear-problems.js';

// z1 − z0 = 2·x0 − x1 − 0.8: at x = (0.5, 0.5) the margin is −0.3 and ‖w1 − w0‖₁ = 3, so the
// smallest flipping L∞ step is ε = 0.3 / 3 = 0.1, taken towards (+, −).
const model = linearModel({ weights: [[0, 0], [2, -1]], bias: [0.8, 0] });
const sample = { index: 0, x: Float32Array.from([0.5, 0.5]), label: 0 };

describe('fgsm', () => {
  it('parses defaults and rejects unknown or invalid params', () => {
    expect(fgsm.params.parse({})).toEqual({ epsilon: 0.1, loss: 'cross-entropy' });
    expect(() => fgsm.params.parse({ epsilon: 0.1, steps: 3 })).toThrow(/steps/);
    expect(() => fgsm.params.parse({ epsilon: -0.1 })).toThrow();
    expect(() => fgsm.params.parse({ loss: 'hinge' })).toThrow();
    expect(fgsm.threat(fgsm.params.parse({ epsilon: 0.3 }))).toEqual({ norm: 'linf', budget: 0.3 });
    expect(fgsm.needs).toEqual(['gradients']);
  });

  for (const loss of ['cross-entropy', 'margin'] as const) {
    it(`flips just above ε = margin/‖w‖₁ and not just below (${loss})`, async () => {
      const [above] = await runPlugin({ plugin: fgsm, model, samples: [sample], params: { epsilon: 0.101, loss } });
      expect(above.status).toBe('adversarial');
      if (above.status !== 'adversarial') return;
      expect(Array.from(above.adversarial)).toEqual([Math.fround(0.601), Math.fround(0.399)]);
      expect(above.details).toEqual({ prediction: 1 });
      const [below] = await runPlugin({ plugin: fgsm, model, samples: [sample], params: { epsilon: 0.099, loss } });
      expect(below).toEqual({ status: 'not_found', index: 0, details: { prediction: 0 } });
    });
  }

  it('clips the step to [0, 1]', async () => {
    // at (0.95, 0.02) the margin is −0.07; the step (+0.1, −0.1) leaves the box and is clipped to (1, 0), margin +0.05
    const edge = linearModel({ weights: [[0, 0], [2, -1]], bias: [1.95, 0] });
    const [flipped] = await runPlugin({ plugin: fgsm, model: edge, samples: [{ index: 4, x: Float32Array.from([0.95, 0.02]), label: 0 }], params: { epsilon: 0.1, loss: 'margin' } });
    expect(flipped.status === 'adversarial' && Array.from(flipped.adversarial)).toEqual([1, 0]);
  });

  it('finds an adversarial exactly when one exists, on random two-class linear models', async () => {
    // with two classes the sign of either loss's gradient is sign(w_other − w_label): FGSM lands on the best corner
    const epsilon = 0.1;
    const problem = linearProblem({ seed: 1, classes: 2, features: 6, count: 80, epsilon });
    const outcomes = await runPlugin({ plugin: fgsm, model: problem.model, samples: problem.samples, params: { epsilon, loss: 'cross-entropy' } });
    expect(outcomes.map((o) => o.index)).toEqual(problem.samples.map((s) => s.index));
    const found = outcomes.map((o) => o.status === 'adversarial');
    const exists = problem.samples.map((s) => (problem.bestMargin.get(s.index) ?? -1) > 0);
    expect(found).toEqual(exists);
    expect(exists.filter(Boolean).length).toBeGreaterThan(5);
    expect(exists.filter((e) => !e).length).toBeGreaterThan(5);
  });

  it('sends the whole chunk through one gradient and one classify call, and every claim validates', async () => {
    const epsilon = 0.2;
    const problem = linearProblem({ seed: 2, classes: 4, features: 5, count: 30, epsilon });
    const params = fgsm.params.parse({ epsilon });
    const outcomes = await runPlugin({ plugin: fgsm, model: problem.model, samples: problem.samples, params });
    expect(problem.model.calls).toEqual({ predict: [], gradient: [30], classify: [30] });
    const claims = problem.samples.flatMap((s, n) => {
      const o = outcomes[n];
      return o.status === 'adversarial' ? [{ original: s.x, adversarial: o.adversarial, label: s.label }] : [];
    });
    expect(claims.length).toBeGreaterThan(0);
    const verdicts = await validateClaims(problem.model, claims, fgsm.threat(params));
    expect(verdicts.filter((v) => !v.valid)).toEqual([]);
  });

  it('reports only timeouts, without touching the model, when aborted before it starts', async () => {
    const counted = linearModel({ weights: [[0, 0], [2, -1]], bias: [0.8, 0] });
    const controller = new AbortController();
    controller.abort();
    const outcomes = await runPlugin({ plugin: fgsm, model: counted, samples: [sample, { ...sample, index: 1 }], params: fgsm.params.parse({}), signal: controller.signal });
    expect(outcomes.map((o) => [o.index, o.status])).toEqual([[0, 'timeout'], [1, 'timeout']]);
    expect(counted.calls).toEqual({ predict: [], gradient: [], classify: [] });
  });
});
