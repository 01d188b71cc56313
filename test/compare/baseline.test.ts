// results/baseline/ must be a finished run of configs/quick.yaml as it stands: CI compares the quick
// suite against it, and a baseline of another config would fail there for reasons nobody changed.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configEnv } from '../../harness/commands/config-env.js';
import { loadExperimentFile } from '../../harness/config/load.js';
import { readLeaderboard } from '../../harness/results/leaderboard-read.js';
import type { RunInfo } from '../../harness/results/run-info.js';
import { configHash } from '../../harness/runner.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('results/baseline', () => {
  it('is a finished run of configs/quick.yaml with a row per job', () => {
    const experiment = loadExperimentFile(join(root, 'configs', 'quick.yaml'), configEnv());
    const info = JSON.parse(readFileSync(join(root, 'results', 'baseline', 'run.json'), 'utf8')) as RunInfo;
    expect({ name: info.name, status: info.status, shard: info.shard }).toEqual({ name: 'quick', status: 'finished', shard: null });
    // if this fails, quick.yaml (or a default it relies on) changed: renew with npx gauntlet run configs/quick.yaml --out results/baseline
    expect(info.config_hash).toBe(configHash(experiment));
    const rows = readLeaderboard(join(root, 'results', 'baseline', 'leaderboard.csv')).rows;
    expect(rows).toHaveLength(experiment.models.length * experiment.attacks.length);
    expect(rows.every((r) => r.cells.errors === 0 && r.cells.timeouts === 0 && r.cells.invalid === 0)).toBe(true);
  });
});
