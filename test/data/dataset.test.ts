import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { DatasetName, Split } from '../../harness/config/experiment.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { UserError } from '../../harness/errors.js';

describe('loadDataset', () => {
  it('loads MNIST in its official split with known first labels', async () => {
    const train = await loadDataset('mnist', 'train');
    const test = await loadDataset('mnist', 'test');
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
    expect(test.images.length).toBe(10000 * 784);
    expect(test.inputShape).toEqual([28, 28, 1]);
    expect(test.classNames).toHaveLength(10);
  });

  it('scales pixels to [0, 1] using the full range', async () => {
    for (const name of ['mnist', 'fashion-mnist'] as const) {
      const { images } = await loadDataset(name, 'test');
      let min = Infinity;
      let max = -Infinity;
      for (const v of images) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect([name, min, max]).toEqual([name, 0, 1]);
    }
  });

  it('returns each sample as a copy', async () => {
    const test = await loadDataset('mnist', 'test');
    const sample = test.sample(3);
    expect(Array.from(sample)).toEqual(Array.from(test.images.subarray(3 * 784, 4 * 784)));
    sample.fill(0.5);
    expect(test.images[3 * 784]).not.toBe(0.5);
  });

  it('caches datasets in-process', async () => {
    expect(await loadDataset('mnist', 'test')).toBe(await loadDataset('mnist', 'test'));
  });

  it('splits Fashion-MNIST 60000/10000, interleaving classes, overlapping only in duplicates of the source', async () => {
    const train = await loadDataset('fashion-mnist', 'train');
    const test = await loadDataset('fashion-mnist', 'test');
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    expect(test.classNames[9]).toBe('Ankle boot');
    for (const split of [train, test]) {
      for (let i = 0; i < split.count; i += 997) expect(split.labels[i]).toBe(i % 10);
    }
    const hash = (images: Float32Array, i: number): string =>
      createHash('sha1').update(new Uint8Array(images.buffer, i * 784 * 4, 784 * 4)).digest('hex');
    const trainHashes = new Set(Array.from({ length: train.count }, (_, i) => hash(train.images, i)));
    const shared = Array.from({ length: test.count }, (_, i) => i).filter((i) => trainHashes.has(hash(test.images, i)));
    // The package itself holds exact duplicate images (42 within the train split alone), so the
    // positional split cannot be content-disjoint; pin the known overlap so a change in data or split shows.
    expect(shared).toEqual([1222, 2096, 3821, 3986, 4204, 4656, 4763, 6696, 6962, 7176, 7824, 9516]);
  });

  it('names an unknown dataset or split', async () => {
    await expect(loadDataset('fashion_mnist' as DatasetName, 'test')).rejects.toThrow(
      new UserError("unknown dataset 'fashion_mnist' (did you mean 'fashion-mnist'?); expected one of: mnist, fashion-mnist"),
    );
    await expect(loadDataset('mnist', 'validation' as Split)).rejects.toThrow(new UserError("unknown split 'validation' of mnist; expected train or test"));
  });
});
