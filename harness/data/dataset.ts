// Datasets as the harness uses them: float images in [0, 1], NHWC, loaded once per process.
import { DATASETS, type DatasetName, type Split } from '../config/experiment.js';
import { didYouMean, UserError } from '../errors.js';
import { FASHION_MNIST_CLASS_NAMES, readFashionMnist } from './fashion-mnist.js';
import { readMnist } from './mnist.js';

/** A split as stored: uint8 pixels (count·784, row-major 28×28) and uint8 labels. */
export interface RawSplit {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
}

export interface Dataset {
  readonly name: DatasetName;
  readonly split: Split;
  readonly count: number;
  readonly inputShape: readonly [28, 28, 1];
  readonly numClasses: 10;
  readonly classNames: readonly string[];
  /** count·784 pixels, value/255, NHWC; shared by every user in the process: never write to it */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
  /** a copy of image i, safe to modify */
  sample(i: number): Float32Array;
}

const SOURCES: Record<DatasetName, { read: (split: Split) => Promise<RawSplit>; classNames: readonly string[] }> = {
  mnist: { read: readMnist, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  'fashion-mnist': { read: readFashionMnist, classNames: FASHION_MNIST_CLASS_NAMES },
};

const loaded = new Map<string, Promise<Dataset>>();

export function loadDataset(name: DatasetName, split: Split): Promise<Dataset> {
  if (!(DATASETS as readonly string[]).includes(name)) {
    return Promise.reject(new UserError(`unknown dataset '${name}'${didYouMean(name, DATASETS)}; expected one of: ${DATASETS.join(', ')}`));
  }
  if (split !== 'train' && split !== 'test') {
    return Promise.reject(new UserError(`unknown split '${String(split)}' of ${name}; expected train or test`));
  }
  const key = `${name}/${split}`;
  let dataset = loaded.get(key);
  if (dataset === undefined) {
    dataset = build(name, split);
    // a failed load must not poison the cache for a later retry
    dataset.catch(() => loaded.delete(key));
    loaded.set(key, dataset);
  }
  return dataset;
}

async function build(name: DatasetName, split: Split): Promise<Dataset> {
  const source = SOURCES[name];
  const raw = await source.read(split);
  const size = 28 * 28;
  const images = new Float32Array(raw.images.length);
  for (let i = 0; i < images.length; i++) images[i] = raw.images[i] / 255;
  return {
    name,
    split,
    count: raw.count,
    inputShape: [28, 28, 1],
    numClasses: 10,
    classNames: source.classNames,
    images,
    labels: raw.labels,
    sample: (i) => {
      if (!Number.isInteger(i) || i < 0 || i >= raw.count) throw new RangeError(`index ${i} is out of range for ${name} ${split} (${raw.count} samples)`);
      return images.slice(i * size, (i + 1) * size);
    },
  };
}
