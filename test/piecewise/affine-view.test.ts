// The affine view must compute exactly what tfjs computes, for dense and unrolled conv layers.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { activationPattern, forwardTrace, piecewiseLinearView } from '../../harness/piecewise/affine-view.js';
import { SparseRows } from '../../harness/piecewise/sparse-rows.js';
import { createRng } from '../../harness/rng.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomInputs(count: number, size: number): Float32Array {
  const rng = createRng('affine-view-test', size);
  return Float32Array.from({ length: count * size }, () => rng.next());
}

function maxLogitDifference(model: tf.LayersModel, inputShape: number[], count = 5): number {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const x = randomInputs(count, size);
  const expected = tf.tidy(() => (model.predict(tf.tensor(x, [count, ...inputShape])) as tf.Tensor).dataSync());
  const net = piecewiseLinearView(model, 'test');
  let worst = 0;
  for (let n = 0; n < count; n++) {
    const { post } = forwardTrace(net, x.subarray(n * size, (n + 1) * size));
    const logits = post[post.length - 1];
    const classes = logits.length;
    for (let k = 0; k < classes; k++) worst = Math.max(worst, Math.abs(logits[k] - expected[n * classes + k]));
  }
  return worst;
}

describe('piecewiseLinearView', () => {
  it('matches tfjs on an MLP with fused and separate ReLUs', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 1] }),
        tf.layers.dense({ units: 7, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: 'randomNormal' }),
        tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), biasInitializer: 'randomNormal' }),
        tf.layers.reLU(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      ],
    });
    const net = piecewiseLinearView(model, 'mlp');
    expect(net.layers.map((l) => [l.weights.rows, l.weights.cols, l.relu])).toEqual([[7, 16, true], [5, 7, true], [3, 5, false]]);
    expect(maxLogitDifference(model, [4, 4, 1])).toBeLessThan(1e-5);
  });

  it('matches tfjs on convolutions with valid and same padding and strides', () => {
    const init = (seed: number) => tf.initializers.glorotUniform({ seed });
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [9, 8, 2], filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: init(4), biasInitializer: 'randomNormal' }),
        tf.layers.conv2d({ filters: 4, kernelSize: [2, 3], strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(5), biasInitializer: 'randomNormal' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 6, kernelInitializer: init(6) }),
      ],
    });
    const net = piecewiseLinearView(model, 'cnn');
    expect(net.layers.map((l) => l.outputShape)).toEqual([[7, 6, 3], [4, 3, 4], [6]]);
    expect(maxLogitDifference(model, [9, 8, 2])).toBeLessThan(1e-5);
  });

  it('names the layer it cannot express', () => {
    const model = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3 }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })],
    });
    expect(() => piecewiseLinearView(model, 'pooled')).toThrow(/model pooled is not a ReLU network of Dense\/Conv2D layers: it has MaxPooling2D/);
    const sigmoid = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'sigmoid' }), tf.layers.dense({ units: 2 })] });
    expect(() => piecewiseLinearView(sigmoid, 'smooth')).toThrow(/activation sigmoid/);
  });

  it('reports the activation pattern of an input', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'relu' }), tf.layers.dense({ units: 2 })] });
    model.layers[0].setWeights([tf.tensor2d([[1, -1], [0, 0]]), tf.tensor1d([0, 0])]);
    // z = (x0, -x0): for x0 > 0 the first unit is active and the second is not
    expect(activationPattern(piecewiseLinearView(model, 'tiny'), [0.5, 0.2])).toEqual([[true, false], []]);
  });

  it('stores only the non-zeros', () => {
    const m = SparseRows.fromDense(2, 3, [0, 2, 0, 1, 0, 3]);
    expect(m.nonZeros).toBe(3);
    expect(Array.from(m.multiply([1, 1, 1]))).toEqual([2, 4]);
    expect(Array.from(m.denseRow(1))).toEqual([1, 0, 3]);
    const t = m.transpose();
    expect([t.rows, t.cols]).toEqual([3, 2]);
    expect([0, 1, 2].map((r) => Array.from(t.denseRow(r)))).toEqual([[0, 1], [2, 0], [0, 3]]);
  });
});
