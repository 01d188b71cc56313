// Dense stacks (MLPs) computed straight on the native matrix product, against tfjs computing the
// same model: logits bit for bit (the same kernel computes every layer), cross-entropy gradients
// and losses to float32 rounding, ReLU units that are off passing nothing back.
import { afterAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../harness/engine/backend.js';
import { denseStack } from '../../harness/engine/dense-stack.js';
import { nativeKernels, useNativeKernels } from '../../harness/engine/kernels/native-kernels.js';
import { loadModel } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';

const native = nativeKernels() !== undefined;
const describeNative = native ? describe : describe.skip;
if (!native) console.log('dense-stack tests skipped: no native kernels here');

function batch(rows: number, size: number, seed: string): Float32Array {
  const rng = createRng('dense-stack', seed);
  return Float32Array.from({ length: rows * size }, () => rng.next());
}

function maxAbs(a: Float32Array, b: Float32Array): { diff: number; scale: number } {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return { diff, scale };
}

afterAll(() => useNativeKernels(true));

describe('denseStack', () => {
  it('takes MLPs and nothing else', async () => {
    await selectBackend('wasm');
    expect(denseStack((await loadModel('mnist-mlp-60-30')).logitsModel)).toBeDefined();
    expect(denseStack((await loadModel('mnist-lenet1')).logitsModel)).toBeUndefined();
    const reluLast = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'relu' })] });
    expect(denseStack(reluLast)).toBeUndefined();
    const tanh = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'tanh' }), tf.layers.dense({ units: 2 })] });
    expect(denseStack(tanh)).toBeUndefined();
  });
});

describeNative('denseStack on the native kernels', () => {
  it.each(['mnist-mlp-60-30', 'mnist-mlp-10-10-10', 'mnist-mlp-30x5'])('%s: the logits of tfjs bit for bit, its gradient and loss to rounding', async (name) => {
    await selectBackend('wasm');
    useNativeKernels(true);
    const model = await loadModel(name);
    const stack = denseStack(model.logitsModel);
    if (stack === undefined) throw new Error(`${name} is not a dense stack`);
    const rows = 50;
    const x = batch(rows, model.inputSize, name);
    const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % model.numClasses);
    const viaTfjs = tf.tidy(() => (model.logitsModel.predict(tf.tensor(x, [rows, ...model.inputShape])) as tf.Tensor).dataSync() as Float32Array);
    const logits = stack.forward(x, rows);
    expect(logits).toBeDefined();
    expect(Buffer.from((logits as Float32Array).buffer).equals(Buffer.from(viaTfjs.buffer))).toBe(true);
    // the tfjs tape on gauntlet's wasm kernels: another engine, so agreement to rounding
    const ours = stack.crossEntropyGradient(x, rows, labels);
    useNativeKernels(false);
    const reference = await model.inputGradient(x, { kind: 'cross-entropy', labels });
    useNativeKernels(true);
    if (ours === undefined) throw new Error('no native gradient');
    const gradient = maxAbs(ours.gradient, reference.gradient);
    expect(gradient.diff).toBeLessThan(1e-5 * Math.max(1, gradient.scale));
    const loss = maxAbs(ours.loss, reference.loss);
    expect(loss.diff).toBeLessThan(1e-5 * Math.max(1, loss.scale));
    expect(maxAbs(ours.logits, reference.logits).diff).toBeLessThan(1e-4);
  });

  it('passes nothing back through a ReLU unit that is off, and matches tf.grad on the cpu backend', async () => {
    const build = (): tf.Sequential => {
      const model = tf.sequential({
        layers: [
          tf.layers.flatten({ inputShape: [2, 3] }),
          tf.layers.dense({ units: 4, activation: 'relu', useBias: true }),
          tf.layers.dense({ units: 3, useBias: false }),
        ],
      });
      const rng = createRng('dense-stack', 'weights');
      const kernel = Array.from({ length: 24 }, () => rng.normal());
      // unit 3's bias keeps it off for inputs in [0, 1): no gradient may pass through it
      model.layers[1].setWeights([tf.tensor2d(kernel, [6, 4]), tf.tensor1d([0.1, -0.2, 0.3, -100])]);
      model.layers[2].setWeights([tf.tensor2d(Array.from({ length: 12 }, () => rng.normal()), [4, 3])]);
      return model;
    };
    const x = batch(5, 6, 'relu');
    const labels = Int32Array.from([0, 1, 2, 1, 0]);
    await selectBackend('cpu');
    const expected = tf.tidy(() => {
      const model = build();
      const mask = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).cast('float32');
      return tf.grad((input: tf.Tensor) => {
        const logits = model.predict(input) as tf.Tensor2D;
        return tf.logSumExp(logits, 1).sub(logits.mul(mask).sum(1)).sum();
      })(tf.tensor(x, [5, 2, 3])).dataSync() as Float32Array;
    });
    await selectBackend('wasm');
    const model = build();
    const stack = denseStack(model);
    const ours = stack?.crossEntropyGradient(x, 5, labels);
    if (ours === undefined) throw new Error('no native gradient');
    const { diff, scale } = maxAbs(ours.gradient, expected);
    expect(diff).toBeLessThan(1e-5 * Math.max(1, scale));
  });

  it('leaves the work to tfjs when the native kernels are off or the backend is not wasm', async () => {
    await selectBackend('wasm');
    const model = await loadModel('mnist-mlp-10-10-10');
    const stack = denseStack(model.logitsModel);
    const x = batch(3, model.inputSize, 'off');
    useNativeKernels(false);
    expect(stack?.forward(x, 3)).toBeUndefined();
    useNativeKernels(true);
    expect(stack?.forward(x, 3)).toBeDefined();
    await selectBackend('cpu');
    expect(stack?.forward(x, 3)).toBeUndefined();
    await selectBackend('wasm');
  });
});
