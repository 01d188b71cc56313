// Training on worker threads: the weights do not depend on the number of workers, and --out keeps
// the committed zoo untouched. One epoch of the two cheapest models keeps this quick.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { UserError } from '../../harness/errors.js';
import { readZooManifest } from '../../harness/zoo/manifest.js';
import { trainZoo } from '../../harness/zoo/parallel-train.js';
import { ZOO_DIR } from '../../harness/zoo/zoo-dir.js';

const MODELS = ['mnist-mlp-10-10-10', 'mnist-mlp-60-30'];

async function trainInto(workers: number): Promise<{ dir: string; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), `gauntlet-train-${workers}w-`));
  const lines: string[] = [];
  const result = await trainZoo({ names: MODELS, seed: 1, epochs: 1, backend: 'wasm', workers, outDir: dir, log: (line) => lines.push(line) });
  expect(result.workers).toBe(workers);
  expect(result.outcomes.map((o) => o.state)).toEqual(['trained', 'trained']);
  return { dir, lines };
}

describe('trainZoo', () => {
  it('trains to identical weights with 1 and 2 workers, into --out only', async () => {
    const committed = MODELS.map((name) => readFileSync(join(ZOO_DIR, name, 'manifest.json'), 'utf8'));
    const one = await trainInto(1);
    const two = await trainInto(2);
    for (const name of MODELS) {
      const a = readZooManifest(name, one.dir);
      const b = readZooManifest(name, two.dir);
      expect(a.epochs).toBe(1);
      expect(b.weights_sha256).toEqual(a.weights_sha256);
      expect(b.test_accuracy).toBe(a.test_accuracy);
      expect(a.weights_sha256).not.toEqual(readZooManifest(name).weights_sha256);
    }
    expect(MODELS.map((name) => readFileSync(join(ZOO_DIR, name, 'manifest.json'), 'utf8'))).toEqual(committed);
    // every line a worker logs names its model
    expect(two.lines.filter((line) => line.includes('epoch 1/1'))).toEqual([expect.stringMatching(/^mnist-mlp-\S+: epoch 1\/1 /), expect.stringMatching(/^mnist-mlp-\S+: epoch 1\/1 /)]);
  });

  it('refuses a worker count that is not a positive integer', async () => {
    await expect(trainZoo({ names: ['all'], seed: 1, backend: 'wasm', workers: 0, outDir: tmpdir(), log: () => undefined })).rejects.toThrow(
      new UserError('--workers must be a positive integer, not 0'),
    );
  });
});
