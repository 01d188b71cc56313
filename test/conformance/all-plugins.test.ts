// Every registered plugin against the conformance kit, on small committed zoo networks and real MNIST
// test images. New plugins are picked up from the registry; a plugin whose needs a model cannot meet
// (a solver plugin on a CNN with pooling) is skipped there, with the reason logged.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { plugins } from '../../attacks/registry.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { loadModel, zooModelNames, type LayersModelHandle } from '../../harness/engine/model-handle.js';
import { checkPluginConformance } from './plugin-conformance.js';
import type { LabelledSample } from './run-plugin.js';

const MODELS = ['mnist-mlp-10-10-10', 'mnist-lenet1'];
const SAMPLES = 10;
/** Smaller-than-default settings for plugins whose defaults take long; conformance does not need strength. */
const QUICK_PARAMS: Record<string, Record<string, unknown>> = {
  pgd: { steps: 20 },
};

let images: LabelledSample[];

beforeAll(async () => {
  await selectBackend('auto');
  const mnist = await loadDataset('mnist', 'test');
  images = Array.from({ length: SAMPLES }, (_, index) => ({ index, x: mnist.sample(index), label: mnist.labels[index] }));
});

/** The further model given to plugins that need several (DeepXplore compares models). */
const SECOND_MODEL = 'mnist-lenet4';

describe.each(MODELS)('%s', (name) => {
  let model: LayersModelHandle;
  let second: LayersModelHandle;

  beforeAll(async () => {
    // the zoo is committed: a missing model is a broken checkout, not a reason to skip
    expect(zooModelNames()).toEqual(expect.arrayContaining([name, SECOND_MODEL]));
    model = await loadModel(name);
    second = await loadModel(SECOND_MODEL);
  });

  it.each([...plugins.keys()])('%s conforms', async (id) => {
    const report = await checkPluginConformance(plugins.get(id)!, model, images, QUICK_PARAMS[id] ?? {}, { extraModels: [second] });
    if (report.skipped !== undefined) {
      console.warn(`conformance of ${id} on ${name} skipped: ${report.skipped}`);
      return;
    }
    console.log(`${id} on ${name}: ${report.samples} samples, ${JSON.stringify(report.statuses)}`);
    expect(report.problems).toEqual([]);
    expect(report.samples).toBeGreaterThan(SAMPLES / 2);
  });
});
