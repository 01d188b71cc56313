// Every registered plugin against the conformance kit, on small committed zoo networks and real MNIST
// test images. New plugins are picked up from the registry; ones whose needs a model cannot meet are skipped.
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

describe.each(MODELS)('%s', (name) => {
  const present = zooModelNames().includes(name);
  let model: LayersModelHandle;

  beforeAll(async () => {
    if (present) model = await loadModel(name);
    else console.warn(`conformance on ${name} skipped: models/${name}/model.json is not there yet`);
  });

  it.each([...plugins.keys()])('%s conforms', async (id) => {
    if (!present) return;
    const report = await checkPluginConformance(plugins.get(id)!, model, images, QUICK_PARAMS[id] ?? {});
    if (report.skipped !== undefined) {
      console.warn(`conformance of ${id} on ${name} skipped: ${report.skipped}`);
      return;
    }
    console.log(`${id} on ${name}: ${report.samples} samples, ${JSON.stringify(report.statuses)}`);
    expect(report.problems).toEqual([]);
    expect(report.samples).toBeGreaterThan(SAMPLES / 2);
  });
});
