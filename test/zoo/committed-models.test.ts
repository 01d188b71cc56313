import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { loadModel, zooModelDataset, zooModelNames } from '../../harness/engine/model-handle.js';
import { ZOO, ZOO_NAMES } from '../../harness/zoo/architectures.js';
import { readZooManifest } from '../../harness/zoo/manifest.js';
import { zooModelDir } from '../../harness/zoo/zoo-dir.js';

const EVALUATED = 1000;

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('committed zoo', () => {
  it('holds exactly the models the zoo defines', () => {
    expect(zooModelNames()).toEqual([...ZOO_NAMES].sort());
  });

  describe.each(ZOO_NAMES)('%s', (name) => {
    it('has a manifest that matches its definition and its weight files', () => {
      const manifest = readZooManifest(name);
      const definition = ZOO[name];
      expect(manifest).toMatchObject({ name, dataset: definition.dataset, batch_size: definition.batchSize, description: definition.description });
      expect(manifest.test_accuracy).toBeGreaterThanOrEqual(definition.targetAccuracy);
      expect(zooModelDataset(name)).toBe(definition.dataset);
      const files = Object.keys(manifest.weights_sha256);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const path = join(zooModelDir(name), file);
        expect(existsSync(path)).toBe(true);
        expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(manifest.weights_sha256[file]);
      }
    });

    it(`loads and reaches its target (minus 2 points) on the first ${EVALUATED} test images`, async () => {
      const manifest = readZooManifest(name);
      const model = await loadModel(name);
      expect(model.inputShape).toEqual([28, 28, 1]);
      expect(model.numClasses).toBe(10);
      expect(model.layers).toEqual(manifest.architecture);
      const test = await loadDataset(manifest.dataset, 'test');
      const predictions = await model.classify(test.images.subarray(0, EVALUATED * 784));
      const accuracy = predictions.reduce((n, p, i) => n + (p === test.labels[i] ? 1 : 0), 0) / EVALUATED;
      expect(accuracy).toBeGreaterThanOrEqual(ZOO[name].targetAccuracy - 0.02);
    });
  });
});
