// Trains one zoo model reproducibly: seeded initial weights, a seeded shuffle per epoch, plain Adam
// steps in a fixed order, so (name, seed, epochs, backend) determines the weights, whichever thread
// or worker trains it. Several models at once: parallel-train.ts.
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type Dataset, loadDataset } from '../data/dataset.js';
import { modelSaver } from '../engine/model-files.js';
import { wrapLayersModel } from '../engine/model-handle.js';
import { didYouMean, UserError } from '../errors.js';
import { createRng } from '../rng.js';
import type { Rng } from '../types.js';
import { ZOO, ZOO_NAMES, type PgdSettings, type ZooDefinition } from './architectures.js';
import { hashWeightFiles, type Manifest } from './manifest.js';
import { ZOO_DIR, zooModelDir } from './zoo-dir.js';

export const DEFAULT_TRAIN_SEED = 1;

/** Seconds between progress lines within an epoch, so long CNN epochs still show life. */
const PROGRESS_SECONDS = 30;

export interface TrainOptions {
  seed?: number;
  epochs?: number;
  /** the zoo folder to write <name>/ into (default: the committed zoo, models/) */
  outDir?: string;
  /** progress lines, without the model's name: the caller knows which model it asked for */
  log: (line: string) => void;
}

export interface EpochStats {
  epoch: number;
  loss: number;
  train_accuracy: number;
  seconds: number;
}

/**
 * Runs the training loop on an already built model and returns per-epoch statistics.
 * `batches` limits each epoch to its first n batches (for tests).
 */
export async function trainModel(
  model: tf.LayersModel,
  data: Dataset,
  recipe: { seed: number; epochs: number; batchSize: number; learningRate: number; shuffleKey: string; batches?: number; adversarial?: PgdSettings },
  log: (line: string) => void,
): Promise<EpochStats[]> {
  const optimizer = tf.train.adam(recipe.learningRate);
  const rng = createRng('zoo-shuffle', recipe.shuffleKey, recipe.seed);
  const pgdRng = createRng('zoo-pgd', recipe.shuffleKey, recipe.seed);
  const pixels = data.inputShape.reduce<number>((a, b) => a * b, 1);
  const order = new Int32Array(data.count).map((_, i) => i);
  const history: EpochStats[] = [];
  try {
    for (let epoch = 1; epoch <= recipe.epochs; epoch++) {
      const started = performance.now();
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      const batchCount = Math.min(Math.ceil(data.count / recipe.batchSize), recipe.batches ?? Infinity);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let lastProgress = started;
      for (let b = 0; b < batchCount; b++) {
        const indices = order.subarray(b * recipe.batchSize, Math.min((b + 1) * recipe.batchSize, data.count));
        const clean = new Float32Array(indices.length * pixels);
        const labels = new Int32Array(indices.length);
        indices.forEach((index, k) => {
          clean.set(data.images.subarray(index * pixels, (index + 1) * pixels), k * pixels);
          labels[k] = data.labels[index];
        });
        const { images, targets } = recipe.adversarial === undefined
          ? { images: clean, targets: labels }
          : withPgdExamples(model, clean, labels, data, recipe.adversarial, pgdRng);
        const { loss, hits } = step(model, optimizer, images, targets, data);
        lossSum += loss * targets.length;
        correct += hits;
        seen += targets.length;
        if (performance.now() - lastProgress > PROGRESS_SECONDS * 1000 && b + 1 < batchCount) {
          lastProgress = performance.now();
          log(`epoch ${epoch} batch ${b + 1}/${batchCount} loss ${(lossSum / seen).toFixed(4)} acc ${pct(correct / seen)} ${elapsed(started)}`);
        }
      }
      const stats = { epoch, loss: lossSum / seen, train_accuracy: correct / seen, seconds: (performance.now() - started) / 1000 };
      history.push(stats);
      log(`epoch ${epoch}/${recipe.epochs} loss ${stats.loss.toFixed(4)} acc ${pct(stats.train_accuracy)} ${stats.seconds.toFixed(1)}s`);
    }
  } finally {
    optimizer.dispose();
  }
  return history;
}

function step(model: tf.LayersModel, optimizer: tf.Optimizer, images: Float32Array, labels: Int32Array, data: Dataset): { loss: number; hits: number } {
  const x = tf.tensor(images, [labels.length, ...data.inputShape]);
  const targets = tf.tensor1d(labels, 'int32');
  const y = tf.tidy(() => tf.oneHot(targets, data.numClasses));
  let hits: tf.Tensor | undefined;
  let loss: tf.Scalar | null = null;
  try {
    loss = optimizer.minimize(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor2D;
      // kept out of the gradient tape's tidy so the batch accuracy can be read back
      hits = tf.keep(logits.argMax(1).equal(targets).sum());
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, true, model.trainableWeights.map((w) => w.read() as tf.Variable));
    if (loss === null || hits === undefined) throw new Error('training step produced no loss');
    return { loss: loss.dataSync()[0], hits: hits.dataSync()[0] };
  } finally {
    tf.dispose([x, targets, y]);
    loss?.dispose();
    hits?.dispose();
  }
}

/**
 * L∞ PGD examples of a batch against the weights as they are now, from a uniform random start in the
 * ε-ball, clipped to [0, 1] (Madry et al. 2018). The start comes from `rng`, so training stays
 * reproducible.
 */
function pgdExamples(
  model: tf.LayersModel,
  images: Float32Array,
  labels: Int32Array,
  data: Pick<Dataset, 'inputShape' | 'numClasses'>,
  pgd: PgdSettings,
  rng: Rng,
): Float32Array {
  const start = images.map((v) => Math.min(1, Math.max(0, v + (2 * rng.next() - 1) * pgd.epsilon)));
  return tf.tidy(() => {
    const shape = [labels.length, ...data.inputShape];
    const original = tf.tensor(images, shape);
    const low = original.sub(pgd.epsilon).maximum(0);
    const high = original.add(pgd.epsilon).minimum(1);
    const targets = tf.oneHot(tf.tensor1d(labels, 'int32'), data.numClasses);
    const gradient = tf.grad((x: tf.Tensor) => tf.losses.softmaxCrossEntropy(targets, model.apply(x, { training: false }) as tf.Tensor2D));
    let x: tf.Tensor = tf.tensor(start, shape);
    for (let s = 0; s < pgd.steps; s++) x = x.add(gradient(x).sign().mul(pgd.stepSize)).maximum(low).minimum(high);
    return x.dataSync() as Float32Array;
  });
}

/**
 * The batch followed by its PGD examples, each with its label: half clean and half adversarial loss
 * (Goodfellow et al. 2015's mixed objective, α = ½), which keeps a network this small accurate on
 * clean digits where training on PGD examples alone stalls below 50% on the training batches.
 */
function withPgdExamples(
  model: tf.LayersModel,
  images: Float32Array,
  labels: Int32Array,
  data: Pick<Dataset, 'inputShape' | 'numClasses'>,
  pgd: PgdSettings,
  rng: Rng,
): { images: Float32Array; targets: Int32Array } {
  const both = new Float32Array(2 * images.length);
  both.set(images);
  both.set(pgdExamples(model, images, labels, data, pgd, rng), images.length);
  const targets = new Int32Array(2 * labels.length);
  targets.set(labels);
  targets.set(labels, labels.length);
  return { images: both, targets };
}

/** Share of the test split still classified correctly under PGD (a misclassified clean image counts as lost). */
async function pgdAccuracy(model: tf.LayersModel, test: Dataset, pgd: PgdSettings, rng: Rng): Promise<number> {
  const pixels = test.inputShape.reduce<number>((a, b) => a * b, 1);
  const handle = wrapLayersModel('pgd-evaluation', model);
  const batch = 1000;
  let correct = 0;
  for (let start = 0; start < test.count; start += batch) {
    const end = Math.min(test.count, start + batch);
    const labels = Int32Array.from(test.labels.subarray(start, end));
    const adversarial = pgdExamples(model, test.images.subarray(start * pixels, end * pixels), labels, test, pgd, rng);
    const predictions = await handle.classify(adversarial);
    correct += predictions.reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0);
  }
  return correct / test.count;
}

/** What an adversarially trained model's manifest adds: how it was hardened and what it withstands. */
interface RobustnessReport {
  adversarial_training: { attack: 'pgd'; norm: 'linf'; epsilon: number; steps: number; step_size: number; random_start: true };
  clean_accuracy: number;
  /** accuracy on the full test split under `pgd_evaluation` */
  pgd_accuracy: number;
  pgd_evaluation: { norm: 'linf'; epsilon: number; steps: number; step_size: number; random_start: true };
}

async function robustnessReport(name: string, model: tf.LayersModel, definition: ZooDefinition, test: Dataset, seed: number, cleanAccuracy: number, log: (line: string) => void): Promise<RobustnessReport | undefined> {
  if (definition.adversarial === undefined) return undefined;
  const { train, evaluate } = definition.adversarial;
  const accuracy = await pgdAccuracy(model, test, evaluate, createRng('zoo-pgd-evaluation', name, seed));
  log(`accuracy under PGD (Linf ${evaluate.epsilon}, ${evaluate.steps} steps of ${evaluate.stepSize}) ${pct(accuracy)}`);
  const settings = (pgd: PgdSettings) => ({ norm: 'linf', epsilon: pgd.epsilon, steps: pgd.steps, step_size: pgd.stepSize, random_start: true }) as const;
  return {
    adversarial_training: { attack: 'pgd', ...settings(train) },
    clean_accuracy: cleanAccuracy,
    pgd_accuracy: accuracy,
    pgd_evaluation: settings(evaluate),
  };
}

/** Trains one zoo model and writes <outDir>/<name>/{model.json, weights.bin, manifest.json}. */
export async function trainZooModel(name: string, opts: TrainOptions): Promise<Manifest> {
  const definition = zooDefinition(name);
  const dir = zooModelDir(name, opts.outDir ?? ZOO_DIR);
  const seed = opts.seed ?? DEFAULT_TRAIN_SEED;
  const epochs = opts.epochs ?? definition.epochs;
  const [train, test] = await Promise.all([loadDataset(definition.dataset, 'train'), loadDataset(definition.dataset, 'test')]);
  const model = definition.build(seed);
  try {
    opts.log(`${definition.description}; ${model.countParams()} parameters, ${epochs} epochs of ${definition.batchSize}, Adam lr ${definition.learningRate}, seed ${seed}, backend ${tf.getBackend()}`);
    const started = performance.now();
    const history = await trainModel(
      model,
      train,
      { seed, epochs, batchSize: definition.batchSize, learningRate: definition.learningRate, shuffleKey: name, adversarial: definition.adversarial?.train },
      opts.log,
    );
    const trainTime = (performance.now() - started) / 1000;
    const handle = wrapLayersModel(name, model);
    const predictions = await handle.classify(test.images);
    const testAccuracy = predictions.reduce((n, p, i) => n + (p === test.labels[i] ? 1 : 0), 0) / test.count;
    opts.log(`test accuracy ${pct(testAccuracy)} (target ${pct(definition.targetAccuracy)}), trained in ${trainTime.toFixed(1)}s`);
    if (testAccuracy < definition.targetAccuracy) {
      opts.log(`WARNING test accuracy is below the target; writing the model anyway`);
    }
    const robustness = await robustnessReport(name, model, definition, test, seed, testAccuracy, opts.log);

    // write beside the old model, then swap
    const staging = stagingDir(dir);
    await rm(staging, { recursive: true, force: true });
    await model.save(modelSaver(staging));
    const manifest: Manifest & Partial<RobustnessReport> = {
      name,
      description: definition.description,
      architecture: [...handle.layers],
      dataset: definition.dataset,
      seed,
      epochs,
      batch_size: definition.batchSize,
      optimizer: { name: 'adam', learning_rate: definition.learningRate },
      test_accuracy: testAccuracy,
      history,
      train_time_s: Math.round(trainTime * 10) / 10,
      backend: tf.getBackend(),
      weights_sha256: await hashWeightFiles(staging),
      created: new Date().toISOString(),
      ...robustness,
    };
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    opts.log(`wrote ${dir}`);
    return manifest;
  } finally {
    model.dispose();
  }
}

/** Where a model is written before it replaces `dir`, so an interrupted run never leaves a half-written model. */
export function stagingDir(dir: string): string {
  return `${dir}.tmp-${process.pid}`;
}

export function zooDefinition(name: string): ZooDefinition {
  if (!Object.hasOwn(ZOO, name)) {
    throw new UserError(`unknown zoo model '${name}'${didYouMean(name, ZOO_NAMES)}; expected one of: ${ZOO_NAMES.join(', ')}, all`);
  }
  return ZOO[name];
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)}s`;
}
