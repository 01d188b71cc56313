import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../harness/engine/backend.js';

describe('Identity and same-dtype Cast on wasm', () => {
  it('share memory with their input and free it only with the last reference', async () => {
    await selectBackend('wasm');
    const x = tf.tensor([1.5, -2, 3], [3]);
    const dataBefore = tf.engine().backend.numDataIds();
    const copy = tf.engine().runKernel('Identity', { x }, {}) as tf.Tensor;
    const cast = tf.cast(x, 'float32');
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore);
    x.dispose();
    copy.dispose();
    expect(Array.from(cast.dataSync())).toEqual([1.5, -2, 3]);
    cast.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore - 1);
  });

  it('still convert between dtypes', async () => {
    await selectBackend('wasm');
    const x = tf.tensor([1.5, -2, 0], [3]);
    const asInt = tf.cast(x, 'int32');
    expect(asInt.dtype).toBe('int32');
    expect(Array.from(asInt.dataSync())).toEqual([1, -2, 0]);
    tf.dispose([x, asInt]);
  });

  it('leave gradients unchanged', async () => {
    const grad = (): number[] => tf.tidy(() => {
      const w = tf.tensor([[0.5, -1], [2, 0.25]]);
      const g = tf.grad((x: tf.Tensor) => tf.relu(x.matMul(w)).clone().square().sum())(tf.tensor([[1, -2], [3, 0.5]]));
      return Array.from(g.dataSync());
    });
    await selectBackend('cpu');
    const expected = grad();
    await selectBackend('wasm');
    expect(grad()).toEqual(expected);
  });
});
