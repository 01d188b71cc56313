// End to end on the paper's target network, when the zoo has it: a few MNIST test images, the strict
// preset, every claim validated by the harness. The paper config measures the rates; this only checks
// that the method works on a trained network and that what it claims holds.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { aigent } from '../../attacks/aigent/index.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { loadModel, zooModelNames } from '../../harness/engine/model-handle.js';
import { validateClaims } from '../../harness/validate.js';
import { correctlyClassified, runPlugin } from '../conformance/run-plugin.js';

const MODEL = 'mnist-mlp-30x5';
const present = zooModelNames().includes(MODEL);

beforeAll(async () => {
  await selectBackend('cpu');
});

describe(`aigent on ${MODEL}`, () => {
  it('finds validated adversarials for most of the first MNIST test images', async () => {
    if (!present) {
      console.warn(`aigent zoo test skipped: models/${MODEL}/model.json is not there`);
      return;
    }
    const model = await loadModel(MODEL);
    const mnist = await loadDataset('mnist', 'test');
    const samples = await correctlyClassified(model, Array.from({ length: 6 }, (_, index) => ({ index, x: mnist.sample(index), label: mnist.labels[index] })));
    const params = aigent.params.parse({});
    const outcomes = await runPlugin({ plugin: aigent, model, samples, params });
    const claimed = outcomes.filter((o) => o.status === 'adversarial');
    const verdicts = await validateClaims(
      model,
      claimed.map((o) => {
        const sample = samples.find((s) => s.index === o.index);
        if (sample === undefined || o.status !== 'adversarial') throw new Error(`outcome for unknown sample ${o.index}`);
        return { original: sample.x, adversarial: o.adversarial, label: sample.label };
      }),
      aigent.threat(params),
    );
    expect(verdicts.map((v) => v.valid)).toEqual(claimed.map(() => true));
    // the paper config finds 438 of 483 (README); four of the first six is a low bar
    expect(claimed.length).toBeGreaterThanOrEqual(4);
    for (const v of verdicts) if (v.valid) expect(v.distances.l0).toBeLessThanOrEqual(60);
  });
});
