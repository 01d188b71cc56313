// original | adversarial | difference, as PNGs, for a job's first few validated adversarials. Originals
// come from the dataset the record names; the adversarial is the record's own (validated) input.
import sharp from 'sharp';
import { DATASETS, type DatasetName, type Split } from '../config/experiment.js';
import { loadDataset, type Dataset } from '../data/dataset.js';
import type { SampleRecord } from '../results/record.js';

export interface SampleImages {
  index: number;
  label: number;
  adversarialPrediction: number | null;
  /** largest |adversarial − original| of the sample: the difference image spans ±this */
  maxDelta: number;
  original: Buffer;
  adversarial: Buffer;
  difference: Buffer;
}

export interface JobImages {
  images: SampleImages[];
  /** why some or all could not be drawn */
  note?: string;
}

const SCALE = 4;

/** Pixels in [0, 1] (or 0–255 already) → PNG, upscaled ×4 without smoothing so single pixels stay visible. */
async function png(values: ArrayLike<number>, shape: readonly number[], toByte: (v: number) => number): Promise<Buffer> {
  const [height, width, channels] = shape;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round(toByte(values[i]))));
  const image = sharp(Buffer.from(bytes), { raw: { width, height, channels: channels as 1 | 3 } }).resize(width * SCALE, height * SCALE, { kernel: 'nearest' });
  return (channels === 1 ? image.toColourspace('b-w') : image).png().toBuffer();
}

function datasetOf(record: SampleRecord): Promise<Dataset> | undefined {
  if (!(DATASETS as readonly string[]).includes(record.dataset) || (record.split !== 'train' && record.split !== 'test')) return undefined;
  return loadDataset(record.dataset as DatasetName, record.split as Split);
}

export async function jobImages(records: readonly SampleRecord[], limit: number): Promise<JobImages> {
  const chosen = records
    .filter((r) => r.status === 'adversarial' && r.adversarial !== null)
    .sort((a, b) => a.index - b.index)
    .slice(0, limit);
  if (chosen.length === 0) return { images: [] };
  const dataset = await datasetOf(chosen[0]);
  if (dataset === undefined) return { images: [], note: `no originals: dataset '${chosen[0].dataset}' (${chosen[0].split}) is not one gauntlet loads` };
  const shape: readonly number[] = dataset.inputShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const images: SampleImages[] = [];
  for (const record of chosen) {
    const adversarial = record.adversarial as number[];
    if (adversarial.length !== size) return { images, note: `sample ${record.index}: ${adversarial.length} values, the dataset's images have ${size} (${shape.join('×')})` };
    const original = dataset.sample(record.index);
    const delta = adversarial.map((v, i) => v - original[i]);
    const maxDelta = delta.reduce((m, d) => Math.max(m, Math.abs(d)), 0);
    images.push({
      index: record.index,
      label: record.label,
      adversarialPrediction: record.adversarial_prediction,
      maxDelta,
      original: await png(original, shape, (v) => v * 255),
      adversarial: await png(adversarial, shape, (v) => v * 255),
      // mid-grey is unchanged; white is +maxDelta, black −maxDelta
      difference: await png(delta, shape, (d) => 127.5 + (maxDelta === 0 ? 0 : (127.5 * d) / maxDelta)),
    });
  }
  return { images };
}
