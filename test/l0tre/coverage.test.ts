// Coverage mode against brute force: the units switched on by the samples and by every 1- and 2-pixel
// grid change of them, read from tfjs's own layer outputs, must be exactly what the plugin reports as
// covered before and after test generation.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { l0tre } from '../../attacks/l0tre/index.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { byIndex, runPlugin, type LabelledSample } from '../conformance/run-plugin.js';
import { tinyCnn, tinyImages } from './tiny-nets.js';

beforeAll(async () => {
  await selectBackend('cpu');
});

/** Indices of hidden units (both convolutions, the hidden dense layer) that any of the inputs switches on. */
function unitsOn(probe: tf.LayersModel, inputs: Float32Array[], size: number): Set<number> {
  const on = new Set<number>();
  const outputs = tf.tidy(() => (probe.predict(tf.tensor(inputs.flatMap((x) => Array.from(x)), [inputs.length, 6, 6, 1])) as tf.Tensor[]).map((o) => o.reshape([inputs.length, -1]).arraySync() as number[][]));
  let offset = 0;
  for (const layer of outputs) {
    for (const row of layer) row.forEach((v, i) => v > 0 && on.add(offset + i));
    offset += layer[0].length;
  }
  expect(offset).toBe(size);
  return on;
}

function changes(sample: LabelledSample, t: 1 | 2): Float32Array[] {
  const out: Float32Array[] = [];
  const n = sample.x.length;
  for (let i = 0; i < n; i++) {
    for (const v of [0, 1]) {
      if (v === sample.x[i]) continue;
      if (t === 1) {
        const x = sample.x.slice();
        x[i] = v;
        out.push(x);
        continue;
      }
      for (let j = i + 1; j < n; j++) {
        for (const w of [0, 1]) {
          if (w === sample.x[j]) continue;
          const x = sample.x.slice();
          x[i] = v;
          x[j] = w;
          out.push(x);
        }
      }
    }
  }
  return out;
}

describe('l0tre coverage mode', () => {
  it('covers exactly the units that 1- and 2-pixel grid changes of the samples can switch on', async () => {
    const model = tinyCnn(40);
    const layers = model.logitsModel.layers;
    const probe = tf.model({ inputs: model.logitsModel.inputs, outputs: [layers[0].output, layers[1].output, layers[4].output] as tf.SymbolicTensor[] });
    const neurons = 4 * 4 * 4 + 4 * 4 * 3 + 8;
    const samples = (await tinyImages(model, 3, 5)).slice(0, 3);
    const before = unitsOn(probe, samples.map((s) => s.x), neurons);
    const after1 = new Set([...before, ...unitsOn(probe, samples.flatMap((s) => changes(s, 1)), neurons)]);
    const after2 = new Set([...after1, ...unitsOn(probe, samples.flatMap((s) => changes(s, 2)), neurons)]);
    expect(before.size).toBeLessThan(after1.size);
    expect(after1.size).toBeLessThan(after2.size);

    for (const [t, expected] of [[1, after1], [2, after2]] as const) {
      const params = l0tre.params.parse({ mode: 'coverage', t_max: t });
      const outcomes = byIndex(await runPlugin({ plugin: l0tre, model, samples, params }));
      const details = outcomes.map((o) => o.details as { coverage: { neurons: number; before: number; after: number }; tests: { pixels: unknown[]; neurons: number; prediction: number }[] });
      for (const d of details) expect(d.coverage).toEqual({ neurons, before: before.size, after: expected.size });
      const tests = details.flatMap((d) => d.tests);
      expect(tests.reduce((sum, test) => sum + test.neurons, 0)).toBe(expected.size - before.size);
      // the smallest L0 first: every 1-pixel test precedes the 2-pixel ones, and no unit a 1-pixel change reaches waits for t = 2
      expect(tests.filter((test) => test.pixels.length === 1).reduce((sum, test) => sum + test.neurons, 0)).toBe(after1.size - before.size);
    }
  });
});
