// `gauntlet train` starts the longest models first, from measured times when a manifest has them.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ZOO, ZOO_NAMES } from '../../harness/zoo/architectures.js';
import { estimateTrainSeconds, expectedWallSeconds, longestFirst, type TrainEstimate } from '../../harness/zoo/train-schedule.js';
import { ZOO_DIR } from '../../harness/zoo/zoo-dir.js';

/** A zoo folder whose only model, `name`, claims to have trained `epochs` epochs in `seconds`. */
function zooWith(name: string, epochs: number, seconds: number): string {
  const root = mkdtempSync(join(tmpdir(), 'gauntlet-schedule-'));
  const manifest = JSON.parse(readFileSync(join(ZOO_DIR, name, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  mkdirSync(join(root, name));
  writeFileSync(join(root, name, 'manifest.json'), JSON.stringify({ ...manifest, epochs, train_time_s: seconds }));
  return root;
}

describe('training schedule', () => {
  it('estimates from the first manifest that measured the model, per epoch, else from the guess', () => {
    const measured = zooWith('mnist-lenet1', 4, 100);
    expect(estimateTrainSeconds('mnist-lenet1', 2, [measured, ZOO_DIR])).toEqual({ name: 'mnist-lenet1', seconds: 50, source: 'measured' });
    expect(estimateTrainSeconds('mnist-lenet1', undefined, [measured])).toEqual({ name: 'mnist-lenet1', seconds: 25 * ZOO['mnist-lenet1'].epochs, source: 'measured' });
    const empty = mkdtempSync(join(tmpdir(), 'gauntlet-schedule-'));
    expect(estimateTrainSeconds('mnist-lenet1', 3, [empty])).toEqual({ name: 'mnist-lenet1', seconds: 3 * ZOO['mnist-lenet1'].epochSeconds, source: 'guess' });
  });

  it('falls back on the guess when a manifest is damaged', () => {
    const root = mkdtempSync(join(tmpdir(), 'gauntlet-schedule-'));
    mkdirSync(join(root, 'mnist-lenet4'));
    writeFileSync(join(root, 'mnist-lenet4', 'manifest.json'), '{"name": "mnist-lenet4"');
    expect(estimateTrainSeconds('mnist-lenet4', 1, [root]).source).toBe('guess');
  });

  it('orders longest first and keeps the given order on ties', () => {
    const order = longestFirst([
      { name: 'a', seconds: 10, source: 'guess' },
      { name: 'b', seconds: 30, source: 'measured' },
      { name: 'c', seconds: 10, source: 'measured' },
      { name: 'd', seconds: 20, source: 'guess' },
    ]);
    expect(order.map((e) => e.name)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('puts the guessed CNN and the PGD-trained MLP first when no model has been measured', () => {
    const empty = mkdtempSync(join(tmpdir(), 'gauntlet-schedule-'));
    const order = longestFirst(ZOO_NAMES.map((name) => estimateTrainSeconds(name, undefined, [empty]))).map((e) => e.name);
    expect(order.slice(0, 2)).toEqual(['mnist-cnn-l0tre', 'mnist-mlp-30x5-adv']);
    expect(new Set(order)).toEqual(new Set(ZOO_NAMES));
  });

  it('expects the workers to finish close together when the longest go first', () => {
    const jobs = (seconds: number[]): TrainEstimate[] => seconds.map((s, i) => ({ name: `m${i}`, seconds: s, source: 'guess' }));
    const committed = [1203, 842, 743, 257, 252, 218, 118, 75, 60];
    expect(expectedWallSeconds(jobs(committed), 1)).toBe(3768);
    // 1203+257+252+118+60 on one worker, 842+743+218+75 on the other
    expect(expectedWallSeconds(longestFirst(jobs(committed)), 2)).toBe(1890);
    // shortest first leaves the longest model alone at the end
    expect(expectedWallSeconds(jobs([...committed].reverse()), 2)).toBe(2376);
  });
});
