// JSMA: a known answer where the saliency map's β condition decides the pair, agreement of the two
// Jacobian sources, and the harness's verdict on every adversarial of a batched run.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { jacobianSource, piecewiseJacobian } from '../../attacks/jsma/jacobian.js';
import { jsma } from '../../attacks/jsma/index.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { wrapLayersModel } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';
import { validateClaims } from '../../harness/validate.js';
import { correctlyClassified, runPlugin } from '../conformance/run-plugin.js';
import { argmax, linearModel } from '../helpers/linear-model.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('jsma', () => {
  it('moves the pair that raises the target and lowers the others, not the one with the largest target gradient', async () => {
    // Label 0 (z0 = 2), target 1 with 'next'. α = W1 = [1.5, 1, 2, 0.1], β = W0 + W2 = [−1, −1, 1, 1].
    // The only admissible pair (α > 0, β < 0) is {0, 1} (α = 2.5, β = −2); pixel 2 has the largest α but
    // β > 0. Setting x0 = x1 = 1 gives z1 = 2.5 > z0 = 2 > z2 = −2: the target, after one iteration.
    const model = linearModel({ weights: [[0, 0, 0, 0], [1.5, 1, 2, 0.1], [-1, -1, 1, 1]], bias: [2, 0, 0] });
    const params = jsma.params.parse({ target: 'next' });
    const [outcome] = await runPlugin({ plugin: jsma, model, samples: [{ index: 0, x: new Float32Array(4), label: 0 }], params });
    expect(outcome).toMatchObject({ status: 'adversarial', target: 1, details: { target: 1, iterations: 1, jacobian: 'model' } });
    if (outcome.status === 'adversarial') expect(Array.from(outcome.adversarial)).toEqual([1, 1, 0, 0]);
  });

  it('gets the same target and logit-sum gradients through the model handle and from the piecewise-linear view', async () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const layers = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: init(1), biasInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 6, activation: 'relu', kernelInitializer: init(3), biasInitializer: tf.initializers.randomNormal({ seed: 4 }) }),
        tf.layers.dense({ units: 4, kernelInitializer: init(5) }),
      ],
    });
    const model = wrapLayersModel('jsma-jacobian-test', layers);
    const autodiff = jacobianSource(model);
    const affine = piecewiseJacobian(model.piecewiseLinear(), model.numClasses);
    const rng = createRng('jsma-jacobian-test');
    const x = Float32Array.from({ length: 3 * 25 }, () => rng.next());
    const targets = Int32Array.of(0, 3, 2);
    const a = await autodiff.gradients(x, targets);
    const b = await affine.gradients(x, targets);
    for (const key of ['target', 'sum'] as const) {
      expect(a[key].some((v) => v !== 0)).toBe(true);
      a[key].forEach((v, i) => expect(Math.abs(v - b[key][i])).toBeLessThan(1e-5));
    }
  });

  it('finds validated targeted adversarials within its pixel budget, one batched call per iteration', async () => {
    const rng = createRng('jsma-batch-test');
    const model = linearModel({
      weights: Array.from({ length: 4 }, () => Array.from({ length: 30 }, () => rng.normal())),
      bias: [0, 0, 0, 0],
    });
    const images = Array.from({ length: 12 }, (_, index) => {
      const x = Float32Array.from({ length: 30 }, () => (rng.next() < 0.6 ? 0 : rng.next()));
      return { index, x, label: argmax(model.logits(x)) };
    });
    const samples = await correctlyClassified(model, images);
    const params = jsma.params.parse({ max_pixels: 8, target: 'closest' });
    model.calls.classify.length = 0;
    const outcomes = await runPlugin({ plugin: jsma, model, samples, params });
    const classifyCalls = [...model.calls.classify];
    const found = outcomes.filter((o) => o.status === 'adversarial');
    expect(found.length).toBeGreaterThan(samples.length / 2);
    for (const o of found) {
      if (o.status !== 'adversarial') continue;
      const sample = samples.find((s) => s.index === o.index)!;
      const [verdict] = await validateClaims(model, [{ original: sample.x, adversarial: o.adversarial, label: sample.label, target: o.target }], jsma.threat(params));
      expect(verdict).toMatchObject({ valid: true, distances: { l0: 2 * (o.details as { iterations: number }).iterations } });
    }
    // every iteration classifies all samples still searching in one call: at most max_pixels / 2 calls
    expect(classifyCalls.length).toBeLessThanOrEqual(4);
    expect(classifyCalls[0]).toBe(samples.length);
    // the Jacobian rows go through the model handle, so the harness counts them: two rows a sample
    expect(model.calls.gradient[0]).toBe(2 * samples.length);
  });
});
