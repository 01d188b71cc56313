// A model's coverage profile: the lowest and highest value of each neuron over the training data,
// which KMNC, NBC and SNAC measure against. Computed once per model; a zoo model's profile is cached
// next to it as models/<name>/coverage-profile.json, tied to its weights by their sha256 (from the
// manifest), so a retrained model never reads a stale profile.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DATASETS, type DatasetName } from '../../harness/config/experiment.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { zooModelNames } from '../../harness/engine/model-handle.js';
import { UserError } from '../../harness/errors.js';
import type { ModelHandle } from '../../harness/types.js';
import { readZooManifest } from '../../harness/zoo/manifest.js';
import { zooModelDir } from '../../harness/zoo/zoo-dir.js';
import type { NeuronBounds } from './criterion.js';

export const PROFILE_CONTRACT = 'gauntlet-coverage-profile/v1';
export const PROFILE_FILE = 'coverage-profile.json';

/** Rows per activations call: large enough to keep every worker busy, small enough to bound memory. */
const BATCH = 4096;

const ProfileSchema = z.object({
  contract: z.literal(PROFILE_CONTRACT),
  model: z.string(),
  /** the weights the profile was computed with (a zoo manifest's weights_sha256), or null */
  weights_sha256: z.record(z.string(), z.string()).nullable(),
  dataset: z.enum(DATASETS),
  split: z.enum(['train', 'test']),
  samples: z.number().int().positive(),
  layers: z.array(z.object({ name: z.string(), units: z.number().int().positive(), low: z.array(z.number()), high: z.array(z.number()) })),
});

export type NeuronProfile = z.infer<typeof ProfileSchema>;

/** Where the profile came from, and what it must be recomputed for. */
export interface ProfileSource {
  dataset: DatasetName;
  split: 'train' | 'test';
  weights_sha256: Record<string, string> | null;
}

/** Per neuron, the lowest and highest value over `images` (count·inputSize values), batched through the model. */
export async function computeProfile(model: ModelHandle, images: Float32Array, source: ProfileSource): Promise<NeuronProfile> {
  const count = images.length / model.inputSize;
  const low = model.neuronLayers.map((layer) => new Float32Array(layer.units).fill(Infinity));
  const high = model.neuronLayers.map((layer) => new Float32Array(layer.units).fill(-Infinity));
  for (let start = 0; start < count; start += BATCH) {
    const rows = Math.min(BATCH, count - start);
    const acts = await model.activations(images.subarray(start * model.inputSize, (start + rows) * model.inputSize));
    acts.forEach((values, l) => {
      const units = model.neuronLayers[l].units;
      for (let i = 0; i < values.length; i++) {
        const unit = i % units;
        if (values[i] < low[l][unit]) low[l][unit] = values[i];
        if (values[i] > high[l][unit]) high[l][unit] = values[i];
      }
    });
  }
  return {
    contract: PROFILE_CONTRACT,
    model: model.name,
    ...source,
    samples: count,
    layers: model.neuronLayers.map((layer, l) => ({ name: layer.name, units: layer.units, low: Array.from(low[l]), high: Array.from(high[l]) })),
  };
}

/** The profile's ranges by global neuron index (NeuronLayout's numbering). */
export function profileBounds(profile: NeuronProfile): NeuronBounds {
  return {
    low: Float32Array.from(profile.layers.flatMap((layer) => layer.low)),
    high: Float32Array.from(profile.layers.flatMap((layer) => layer.high)),
  };
}

/** The profile in `file` when it was computed for this model's neuron layers from `source`; else undefined. */
export function readProfile(file: string, model: ModelHandle, source: ProfileSource): NeuronProfile | undefined {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // a torn or hand-edited file is recomputed, like a stale one
  }
  const parsed = ProfileSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const profile = parsed.data;
  const sameLayers =
    profile.layers.length === model.neuronLayers.length &&
    profile.layers.every((layer, l) => layer.name === model.neuronLayers[l].name && layer.units === model.neuronLayers[l].units && layer.low.length === layer.units && layer.high.length === layer.units);
  const sameSource =
    profile.dataset === source.dataset && profile.split === source.split && JSON.stringify(profile.weights_sha256) === JSON.stringify(source.weights_sha256);
  return sameLayers && sameSource ? profile : undefined;
}

/** One layer per line, so that a diff of a recomputed profile shows which layers moved. */
export function writeProfile(file: string, profile: NeuronProfile): void {
  const { layers, ...head } = profile;
  const lines = layers.map((layer) => `    ${JSON.stringify(layer)}`);
  const text = `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "layers": [\n${lines.join(',\n')}\n  ]\n}\n`;
  writeFileSync(file, text);
}

/** The profile cached in `file`, or computed from `images()` and written there. */
export async function cachedProfile(model: ModelHandle, file: string, source: ProfileSource, images: () => Promise<Float32Array>): Promise<NeuronProfile> {
  const cached = readProfile(file, model, source);
  if (cached !== undefined) return cached;
  const profile = await computeProfile(model, await images(), source);
  writeProfile(file, profile);
  return profile;
}

const profiles = new Map<string, Promise<NeuronProfile>>();

/**
 * The profile of `model` on the training split of its dataset: read from (or written to) the zoo
 * model's folder, or computed once per process for a model given by path, whose `dataset` must be named.
 */
export function coverageProfile(model: ModelHandle, dataset?: string): Promise<NeuronProfile> {
  const zoo = zooModelNames().includes(model.name);
  const key = `${model.name}\u0000${zoo ? '' : (dataset ?? '')}`;
  let profile = profiles.get(key);
  if (profile === undefined) {
    profile = zoo ? zooProfile(model) : pathProfile(model, dataset);
    profile.catch(() => profiles.delete(key));
    profiles.set(key, profile);
  }
  return profile;
}

const trainImages = async (dataset: DatasetName): Promise<Float32Array> => (await loadDataset(dataset, 'train')).images;

function zooProfile(model: ModelHandle): Promise<NeuronProfile> {
  const manifest = readZooManifest(model.name);
  const source: ProfileSource = { dataset: manifest.dataset, split: 'train', weights_sha256: manifest.weights_sha256 };
  return cachedProfile(model, join(zooModelDir(model.name), PROFILE_FILE), source, () => trainImages(manifest.dataset));
}

async function pathProfile(model: ModelHandle, dataset: string | undefined): Promise<NeuronProfile> {
  const known = DATASETS.find((name) => name === dataset);
  if (known === undefined) {
    throw new UserError(`coverage of model ${model.name} needs a profile on its training data: name its dataset (one of ${DATASETS.join(', ')}), not ${dataset ?? 'none'}`);
  }
  return computeProfile(model, await trainImages(known), { dataset: known, split: 'train', weights_sha256: null });
}
