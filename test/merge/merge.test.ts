// gauntlet merge through the CLI: three shards of a small run merge into what the unsharded run
// wrote (timings aside), and shards that do not belong together are refused.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { SampleRecord } from '../../harness/results/record.js';
import type { RunInfo } from '../../harness/results/run-info.js';
import { mergeShards } from '../../harness/results/merge.js';
import { configEnv } from '../../harness/commands/config-env.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'gauntlet.js');
const env = { ...process.env, NODE_OPTIONS: '' };

function gauntlet(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The shards run side by side, as they would on separate machines. */
function gauntletAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => resolve({ status, stderr }));
  });
}

const readJsonl = (path: string): SampleRecord[] => readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as SampleRecord);
const readInfo = (dir: string): RunInfo => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunInfo;
const withoutTime = ({ time_ms: _time, ...rest }: SampleRecord): Omit<SampleRecord, 'time_ms'> => rest;

/** Leaderboard rows by column, without mean_time_s (wall time). */
function leaderboard(dir: string): Record<string, string>[] {
  const rows = parse(readFileSync(join(dir, 'leaderboard.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  return rows.map(({ mean_time_s: _time, ...rest }) => rest);
}

// 230 samples in the baselines' chunks of 100: every job has three chunks (the last one short) and the
// shards take every third, from a different offset per job; the misclassified samples are spread too
const CONFIG = `name: merge-e2e
seed: 11
models: [mnist-mlp-10-10-10]
data: {dataset: mnist, split: test, samples: 230}
attacks:
  - {id: fgsm, params: {epsilon: 0.15}}
  - {id: random, params: {epsilon: 0.1, trials: 2}}
  - {id: salt-pepper, params: {max_pixels: 6, trials: 1}}
`;

let dir: string;
let whole: string;
let shards: string[];
let merged: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gauntlet-merge-'));
  const config = join(dir, 'merge.yaml');
  writeFileSync(config, CONFIG);
  whole = join(dir, 'whole');
  shards = [1, 2, 3].map((i) => join(dir, `shard${i}`));
  merged = join(dir, 'merged');
  const runs = await Promise.all([
    gauntletAsync(['run', config, '--out', whole, '--workers', '1']),
    ...shards.map((out, k) => gauntletAsync(['run', config, '--out', out, '--shard', `${k + 1}/3`, '--workers', '1'])),
  ]);
  for (const run of runs) expect(run).toEqual({ status: 0, stderr: expect.not.stringMatching(/internal error/) });
  // shards come in any order on the command line
  const result = gauntlet(['merge', shards[2], shards[0], shards[1], '--out', merged]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

describe('gauntlet merge', () => {
  it('splits the work: each shard holds part of it, together all of it', () => {
    const counts = shards.map((s) => readJsonl(join(s, 'samples.jsonl')).length);
    for (const count of counts) expect(count).toBeGreaterThan(0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(690);
    // each shard ran chunks of every job, not whole jobs
    for (const shard of shards) expect(new Set(readJsonl(join(shard, 'samples.jsonl')).filter((r) => r.status !== 'skipped').map((r) => r.attack)).size).toBe(3);
    expect(readJsonl(join(whole, 'samples.jsonl')).some((r) => r.status === 'skipped')).toBe(true);
  });

  it('writes the records of the unsharded run, in its order, with the same costs', () => {
    const expected = readJsonl(join(whole, 'samples.jsonl')).map(withoutTime);
    const actual = readJsonl(join(merged, 'samples.jsonl')).map(withoutTime);
    expect(actual).toEqual(expected);
  });

  it('recomputes the leaderboard of the unsharded run', () => {
    expect(leaderboard(merged)).toEqual(leaderboard(whole));
    expect(readFileSync(join(merged, 'config.yaml'), 'utf8')).toBe(readFileSync(join(whole, 'config.yaml'), 'utf8'));
  });

  it('writes run.json as a finished whole run with every session', () => {
    const info = readInfo(merged);
    expect(info.shard).toBeNull();
    expect(info.status).toBe('finished');
    expect(info.config_hash).toBe(readInfo(whole).config_hash);
    expect(info.sessions).toHaveLength(3);
    expect(info.started <= (info.ended ?? '')).toBe(true);
  });

  it('refuses a missing shard on the command line: one line, exit status 2', () => {
    const result = gauntlet(['merge', shards[0], shards[1], '--out', join(dir, 'refused')]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^gauntlet: missing shard 3\/3; expected all 3 shards$/)]);
    expect(existsSync(join(dir, 'refused'))).toBe(false);
  });

  it('refuses a repeated shard, a whole run, mixed configs or versions, duplicated records, and an existing run', async () => {
    const out = (name: string): string => join(dir, name);
    const refuse = async (dirs: string[], name: string, message: RegExp): Promise<void> => {
      await expect(mergeShards({ dirs, outDir: out(name), env: configEnv(), log: () => undefined })).rejects.toThrow(message);
      expect(existsSync(join(out(name), 'run.json'))).toBe(false);
    };
    await refuse([shards[0], shards[1], shards[1], shards[2]], 'm2', /shard 2\/3 is given twice/);
    await refuse([whole, shards[1]], 'm3', /holds a whole run, not a shard/);
    await expect(mergeShards({ dirs: shards, outDir: merged, env: configEnv(), log: () => undefined })).rejects.toThrow(/already holds a run/);

    const other = out('other');
    cpSync(shards[2], other, { recursive: true });
    writeFileSync(join(other, 'run.json'), JSON.stringify({ ...readInfo(shards[2]), gauntlet_version: '0.0.1' }));
    await refuse([shards[0], shards[1], other], 'm4', /gauntlet_version 0\.0\.1/);
    writeFileSync(join(other, 'run.json'), JSON.stringify({ ...readInfo(shards[2]), config_hash: 'ffffffffffffffff' }));
    await refuse([shards[0], shards[1], other], 'm5', /config_hash ffffffffffffffff/);
    writeFileSync(join(other, 'run.json'), JSON.stringify({ ...readInfo(shards[2]), shard: '3/4' }));
    await refuse([shards[0], shards[1], other], 'm6', /shard count 4/);

    const doubled = out('doubled');
    cpSync(shards[2], doubled, { recursive: true });
    const first = readFileSync(join(shards[0], 'samples.jsonl'), 'utf8').split('\n')[0];
    writeFileSync(join(doubled, 'samples.jsonl'), readFileSync(join(shards[2], 'samples.jsonl'), 'utf8') + first + '\n');
    await refuse([shards[0], shards[1], doubled], 'm7', /recorded in shards 1\/3 and 3\/3/);
  });

  it('marks the merge unfinished when a shard is, and still writes it', async () => {
    const stopped = join(dir, 'stopped');
    cpSync(shards[1], stopped, { recursive: true });
    writeFileSync(join(stopped, 'run.json'), JSON.stringify({ ...readInfo(shards[1]), status: 'interrupted' }));
    const result = await mergeShards({ dirs: [shards[0], stopped, shards[2]], outDir: join(dir, 'partial'), env: configEnv(), log: () => undefined });
    expect(result.info.status).toBe('interrupted');
    expect(result.records).toBe(690);
  });
});
