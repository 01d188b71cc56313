// manifest.json next to each zoo model: how it was trained and what it scored, plus checksums that
// tie the manifest to the exact weight files committed with it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DATASETS } from '../config/experiment.js';
import { UserError } from '../errors.js';
import { zooModelDir } from './zoo-dir.js';

const LayerSummarySchema = z.object({
  name: z.string(),
  className: z.string(),
  activation: z.string().optional(),
  outputShape: z.array(z.number().int()),
  params: z.number().int().nonnegative(),
});

export const ManifestSchema = z.object({
  name: z.string(),
  description: z.string(),
  architecture: z.array(LayerSummarySchema),
  dataset: z.enum(DATASETS),
  seed: z.number().int(),
  epochs: z.number().int().positive(),
  batch_size: z.number().int().positive(),
  optimizer: z.object({ name: z.literal('adam'), learning_rate: z.number().positive() }),
  /** fraction of the full test split classified correctly */
  test_accuracy: z.number().min(0).max(1),
  /** mean training loss and accuracy per epoch */
  history: z.array(z.object({ epoch: z.number().int(), loss: z.number(), train_accuracy: z.number(), seconds: z.number() })),
  train_time_s: z.number().nonnegative(),
  backend: z.string(),
  /** weight file name (relative to the model folder) → sha256 hex */
  weights_sha256: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  created: z.iso.datetime(),
  /** adversarially trained models: how they were trained, and their accuracy under PGD */
  adversarial_training: z.object({ attack: z.literal('pgd'), norm: z.literal('linf'), epsilon: z.number(), steps: z.number().int(), step_size: z.number(), random_start: z.boolean() }).optional(),
  clean_accuracy: z.number().min(0).max(1).optional(),
  pgd_accuracy: z.number().min(0).max(1).optional(),
  pgd_evaluation: z.object({ norm: z.literal('linf'), epsilon: z.number(), steps: z.number().int(), step_size: z.number(), random_start: z.boolean() }).optional(),
});

export type Manifest = z.infer<typeof ManifestSchema>;

/** The manifest of zoo model `name` in the zoo folder `root` (default: the committed zoo). */
export function readZooManifest(name: string, root?: string): Manifest {
  const file = join(zooModelDir(name, root), 'manifest.json');
  if (!existsSync(file)) throw new UserError(`zoo model '${name}' has no manifest at ${file} (retrain it with: gauntlet train ${name})`);
  return parseManifest(readFileSync(file, 'utf8'), file);
}

export function parseManifest(text: string, file: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** sha256 of every weight file the model.json in `dir` lists. */
export async function hashWeightFiles(dir: string): Promise<Record<string, string>> {
  const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const hashes: Record<string, string> = {};
  for (const path of modelJson.weightsManifest.flatMap((group) => group.paths)) {
    hashes[path.replace(/^\.\//, '')] = createHash('sha256').update(await readFile(join(dir, path))).digest('hex');
  }
  return hashes;
}
