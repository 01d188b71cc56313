import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { createRng } from '../../harness/rng.js';
import { fid } from '../../metrics/fid.js';
import { FID_EXTRACTOR, loadFeatureExtractor, type FeatureExtractor } from '../../metrics/fid-features.js';

const COUNT = 200;
let extractor: FeatureExtractor;
let images: Float32Array;

beforeAll(async () => {
  await selectBackend('wasm');
  extractor = await loadFeatureExtractor();
  images = (await loadDataset('mnist', 'test')).images.slice(0, COUNT * 784);
});

afterAll(() => extractor.dispose());

function noisy(scale: number): Float32Array {
  const rng = createRng('fid-features-test', scale);
  return images.map((v) => Math.min(1, Math.max(0, v + scale * (2 * rng.next() - 1))));
}

describe('FID features from mnist-fid-lenet', () => {
  it('are the 84 ReLU units of its features layer, one batch in, one vector per image out', async () => {
    expect(extractor).toMatchObject({ model: FID_EXTRACTOR.model, dataset: 'mnist', inputSize: 784, dim: 84 });
    const features = await extractor.features(images);
    expect(features).toHaveLength(COUNT * 84);
    expect(features.every((v) => v >= 0)).toBe(true);
    // the same image gives the same vector whatever else is in the batch
    expect(Array.from(await extractor.features(images.subarray(784, 1568)))).toEqual(Array.from(features.subarray(84, 168)));
  });

  it('give FID 0 between a set and itself, growing with the noise added to it', async () => {
    const clean = await extractor.features(images);
    expect(fid(clean, clean, 84)).toBeCloseTo(0, 6);
    const scores = [];
    for (const scale of [0.05, 0.2, 0.5]) scores.push(fid(clean, await extractor.features(noisy(scale)), 84));
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores[1]).toBeGreaterThan(scores[0]);
    expect(scores[2]).toBeGreaterThan(scores[1]);
  });
});
