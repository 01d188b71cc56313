// Profiles: exact ranges on hand inputs, cached in a file tied to the weights, and the committed zoo
// profiles fresh and consistent with the training data; coverageOf on any model.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { loadModel } from '../../harness/engine/model-handle.js';
import { meteredModel, zeroCost } from '../../harness/metered-model.js';
import { coverageOf } from '../../metrics/coverage/coverage-of.js';
import { cachedProfile, computeProfile, coverageProfile, PROFILE_FILE, readProfile, type ProfileSource } from '../../metrics/coverage/profile.js';
import { zooModelDir } from '../../harness/zoo/zoo-dir.js';
import { readZooManifest } from '../../harness/zoo/manifest.js';
import { linearModel } from '../helpers/linear-model.js';

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await selectBackend('auto');
});

// logits z0 = x0 − x1, z1 = 2·x1 + 1 over three inputs
const model = () => linearModel({ weights: [[1, -1], [0, 2]], bias: [0, 1] });
const inputs = Float32Array.from([0, 0, 1, 0.5, 0.25, 1]);
const source: ProfileSource = { dataset: 'mnist', split: 'train', weights_sha256: { 'weights.bin': 'a'.repeat(64) } };

describe('profiles', () => {
  it('hold each neuron\'s lowest and highest value', async () => {
    const profile = await computeProfile(model(), inputs, source);
    // z0: 0, 0.5, -0.75; z1: 1, 2, 3
    expect(profile.layers).toEqual([{ name: 'dense', units: 2, low: [-0.75, 1], high: [0.5, 3] }]);
    expect(profile.samples).toBe(3);
  });

  it('are computed once, then read from their file until the weights change', async () => {
    const file = join(dir, PROFILE_FILE);
    const first = model();
    const profile = await cachedProfile(first, file, source, async () => inputs);
    expect(first.activationCalls).toEqual([3]);
    const again = model();
    expect(await cachedProfile(again, file, source, async () => inputs)).toEqual(profile);
    expect(again.activationCalls).toEqual([]);
    const retrained = { ...source, weights_sha256: { 'weights.bin': 'b'.repeat(64) } };
    expect(readProfile(file, again, retrained)).toBeUndefined();
    await cachedProfile(again, file, retrained, async () => inputs);
    expect(again.activationCalls).toEqual([3]);
    expect(JSON.parse(readFileSync(file, 'utf8')).weights_sha256).toEqual(retrained.weights_sha256);
    for (const text of ['{"contract": "something else"}', '{"contract": "gauntlet-cov']) {
      writeFileSync(file, text);
      expect(readProfile(file, again, retrained)).toBeUndefined();
    }
  });

  it('of the zoo are committed, fresh, and bound the training data', async () => {
    const name = 'mnist-lenet1';
    const local = await loadModel(name);
    const counters = zeroCost();
    const profile = await coverageProfile(meteredModel(local, counters));
    expect(counters.forward).toBe(0);
    const manifest = readZooManifest(name);
    expect(readProfile(join(zooModelDir(name), PROFILE_FILE), local, { dataset: 'mnist', split: 'train', weights_sha256: manifest.weights_sha256 })).toEqual(profile);
    expect(profile.samples).toBe(60000);
    const train = await loadDataset('mnist', 'train');
    const acts = await local.activations(train.images.subarray(0, 300 * 784));
    acts.forEach((values, l) => {
      const { low, high, units } = profile.layers[l];
      values.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(low[i % units]);
        expect(v).toBeLessThanOrEqual(high[i % units]);
      });
    });
  });
});

describe('coverageOf', () => {
  it('measures any inputs on any model under any criterion', async () => {
    // z for the three inputs: (0, 1), (0.5, 2), (-0.75, 3): z1 is always the top neuron, z0 is above
    // the threshold 0.75 (scaled within the layer) never.
    const report = await coverageOf(model(), inputs, 'tknc');
    expect(report).toEqual({ criterion: 'tknc(k=2)', items: 2, covered: 2, ratio: 1, coveredItems: [0, 1] });
    expect(await coverageOf(model(), inputs, { name: 'tknc', k: 1 })).toMatchObject({ covered: 1, coveredItems: [1] });
    expect(await coverageOf(model(), inputs, 'nc')).toMatchObject({ criterion: 'nc(t=0.75)', covered: 1, coveredItems: [1] });
  });

  it('finds no boundary or strong coverage on training images, and the extreme KMNC sections', async () => {
    const local = await loadModel('mnist-mlp-10-10-10');
    const train = await loadDataset('mnist', 'train');
    const images = train.images.subarray(0, 200 * 784);
    expect((await coverageOf(local, images, 'nbc')).covered).toBe(0);
    expect((await coverageOf(local, images, 'snac')).covered).toBe(0);
    const test = await loadDataset('mnist', 'test');
    const kmnc = await coverageOf(local, test.images.subarray(0, 200 * 784), 'kmnc');
    expect(kmnc.items).toBe(40 * 10);
    expect(kmnc.ratio).toBeGreaterThan(0.1);
    expect(kmnc.ratio).toBeLessThan(1);
  });

  it('asks for the dataset of a model given by path', async () => {
    await expect(coverageOf(model(), inputs, 'kmnc')).rejects.toThrow(/name its dataset/);
  });
});
