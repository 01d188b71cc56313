// The affine expressions DeepCheck solves over must be the network's own along x's path: logit
// gradients agree with tfjs autodiff, hidden-unit gradients with finite differences of the forward
// pass, and both describe the network exactly wherever the activation pattern stays the same.
import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { PathLinearization } from '../../attacks/deepcheck/path-linearization.js';
import { wrapLayersModel } from '../../harness/engine/model-handle.js';
import { activationPattern, forwardTrace } from '../../harness/piecewise/affine-view.js';
import { createRng } from '../../harness/rng.js';

// the models below are built while the suite is collected, so the backend is chosen first
await tf.setBackend('cpu');

function seededMlp(): tf.Sequential {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 100, stddev: 0.1 }) });
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [6, 6, 1] }),
      tf.layers.dense({ units: 8, activation: 'relu', ...init(1) }),
      tf.layers.dense({ units: 7, activation: 'relu', ...init(2) }),
      tf.layers.dense({ units: 4, ...init(3) }),
    ],
  });
}

function seededCnn(): tf.Sequential {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 100, stddev: 0.1 }) });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, activation: 'relu', ...init(4) }),
      tf.layers.conv2d({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', activation: 'relu', ...init(5) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, ...init(6) }),
    ],
  });
}

const image = (seed: string) => {
  const rng = createRng(seed);
  return Float32Array.from({ length: 36 }, () => rng.next());
};

describe.each([
  ['an MLP', seededMlp],
  ['a CNN with strided same-padded convolutions', seededCnn],
])('PathLinearization of %s', (_, build) => {
  const model = wrapLayersModel('seeded', build());
  const net = model.piecewiseLinear();
  const x = image('path-linearization');
  const path = new PathLinearization(net, x);

  it('has the logit gradients tfjs autodiff computes', async () => {
    const label = path.argmax();
    for (let target = 0; target < 4; target++) {
      if (target === label) continue;
      const { gradient } = await model.inputGradient(x, { kind: 'margin', labels: Int32Array.of(label), targets: Int32Array.of(target) });
      for (let j = 0; j < 36; j++) {
        const ours = path.logitGradient[target * 36 + j] - path.logitGradient[label * 36 + j];
        expect(Math.abs(ours - gradient[j])).toBeLessThan(1e-5);
      }
    }
  });

  it('has the hidden-unit gradients of finite differences, while the pattern holds', () => {
    const pattern = activationPattern(net, x);
    const pre = (input: Float64Array) => forwardTrace(net, input).pre.filter((_, l) => net.layers[l].relu).flatMap((p) => Array.from(p));
    let compared = 0;
    for (let j = 0; j < 36; j++) {
      const h = 1e-6;
      const moved = Float64Array.from(x);
      moved[j] += h;
      if (JSON.stringify(activationPattern(net, moved)) !== JSON.stringify(pattern)) continue;
      const difference = pre(moved).map((v, u) => (v - path.pre[u]) / h);
      const column = path.unitGradient(j);
      difference.forEach((d, u) => expect(Math.abs(d - column[u])).toBeLessThan(1e-6));
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
  });

  it('predicts the logits exactly when two pixels move without changing the pattern', () => {
    const pattern = JSON.stringify(activationPattern(net, x));
    const rng = createRng('two-pixel-moves');
    let checked = 0;
    for (let trial = 0; trial < 200 && checked < 20; trial++) {
      const [a, b] = [rng.int(36), rng.int(36)];
      if (a === b) continue;
      const moved = Float64Array.from(x);
      moved[a] = rng.next();
      moved[b] = rng.next();
      if (JSON.stringify(activationPattern(net, moved)) !== pattern) continue;
      const logits = forwardTrace(net, moved).post[net.layers.length - 1];
      for (let k = 0; k < 4; k++) {
        const predicted = path.logits[k] + path.logitGradient[k * 36 + a] * (moved[a] - x[a]) + path.logitGradient[k * 36 + b] * (moved[b] - x[b]);
        expect(Math.abs(predicted - logits[k])).toBeLessThan(1e-12);
      }
      checked++;
    }
    expect(checked).toBe(20);
  });
});
