// The CLI as a user runs it: exit codes, one-line errors, result files, and resume after a kill.
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { SampleRecord } from '../../harness/results/record.js';
import { LEADERBOARD_COLUMNS } from '../../harness/results/leaderboard.js';
import { plugins } from '../../attacks/registry.js';
import { zooModelNames } from '../../harness/engine/model-handle.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'gauntlet.js');

function gauntlet(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempConfig(yaml: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-e2e-'));
  const file = join(dir, 'experiment.yaml');
  writeFileSync(file, yaml);
  return { dir, file };
}

function readJsonl(path: string): SampleRecord[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as SampleRecord);
}

describe('gauntlet CLI', () => {
  it('rejects a bad config with one line naming file, line and key, and exit status 2', () => {
    const { file } = tempConfig('name: bad\nmodels: [mnist-mlp-10-10-10]\ndata: {dataset: mnist, samples: 5}\nattacks:\n  - {id: fgsm, params: {epsilon: -1}}\n');
    const result = gauntlet(['run', file]);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^gauntlet: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: attacks\\[0\\]\\.params\\.epsilon: `));
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('validates the shipped configs', () => {
    for (const config of ['configs/smoke.yaml', 'configs/suite.yaml']) {
      const result = gauntlet(['validate', config]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/ok/);
    }
  });

  it('runs an experiment into run.json, config.yaml, samples.jsonl and leaderboard.csv', () => {
    const { dir, file } = tempConfig(
      'name: e2e\nseed: 3\nmodels: [mnist-mlp-10-10-10]\ndata: {dataset: mnist, samples: 12}\nattacks:\n  - {id: fgsm, params: {epsilon: 0.2}}\n  - {id: random, params: {epsilon: 0.05, trials: 5}}\n',
    );
    const out = join(dir, 'run');
    const result = gauntlet(['run', file, '--out', out]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.status).toBe(0);
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(info.status).toBe('finished');
    expect(info.backend).toBe('wasm');
    expect(info.seed).toBe(3);
    expect(existsSync(join(out, 'config.yaml'))).toBe(true);
    const records = readJsonl(join(out, 'samples.jsonl'));
    expect(records).toHaveLength(24);
    for (const r of records.filter((x) => x.status === 'adversarial')) {
      expect(r.adversarial_prediction).not.toBe(r.label);
      expect(r.distances?.linf).toBeLessThanOrEqual(0.2 + 1e-6);
    }
    const rows: string[][] = parse(readFileSync(join(out, 'leaderboard.csv'), 'utf8'));
    expect(rows[0].slice(0, LEADERBOARD_COLUMNS.length)).toEqual([...LEADERBOARD_COLUMNS]);
    expect(rows[0]).toEqual(expect.arrayContaining(['fid', 'transferability', 'quantisation_survival', 'contradictions', 'nc', 'kmnc']));
    expect(rows).toHaveLength(3);
    // a second run into the same directory needs --resume
    expect(gauntlet(['run', file, '--out', out]).status).toBe(2);
  });

  it('lists every registered plugin and zoo model', () => {
    const result = gauntlet(['list']);
    expect(result.status).toBe(0);
    for (const id of plugins.keys()) expect(result.stdout).toContain(`  ${id} (`);
    for (const name of zooModelNames()) expect(result.stdout).toContain(`  ${name} `);
    expect(result.stdout).toMatch(/epsilon: number > 0, default 0.1/);
  });

  it('writes the same records with 1 and 2 model workers (smoke config)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-workers-'));
    const runs = [1, 2].map((workers) => {
      const out = join(dir, `w${workers}`);
      const result = gauntlet(['run', 'configs/smoke.yaml', '--out', out, '--workers', String(workers)]);
      expect(result.stderr).not.toMatch(/internal error/);
      expect(result.status).toBe(0);
      expect((JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { workers: number }).workers).toBe(workers);
      return readJsonl(join(out, 'samples.jsonl')).map(({ time_ms: _time, ...rest }) => rest);
    });
    expect(runs[0].length).toBe(160);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('resumes after a kill -9 with no lost and no duplicated record, matching an uninterrupted run', async () => {
    const yaml =
      'name: resume\nseed: 5\nmodels: [mnist-mlp-10-10-10]\ndata: {dataset: mnist, samples: 600}\nattacks:\n  - {id: pgd, params: {epsilon: 0.03, steps: 300, step_size: 0.002}}\n';
    const { dir, file } = tempConfig(yaml);
    const killed = join(dir, 'killed');
    const child = spawn(process.execPath, [bin, 'run', file, '--out', killed], { cwd: root, env: { ...process.env, NODE_OPTIONS: '' }, stdio: 'ignore' });
    const samples = join(killed, 'samples.jsonl');
    // kill once at least one chunk is written and before the run ends
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (existsSync(samples) && readFileSync(samples, 'utf8').split('\n').length > 100) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        } else if (Date.now() - started > 90_000 || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error('the run ended before it could be killed'));
        }
      }, 20);
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const before = readJsonl(samples).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(600);

    const resumed = gauntlet(['run', file, '--out', killed, '--resume']);
    expect(resumed.status).toBe(0);
    const after = readJsonl(samples);
    const keys = after.map((r) => `${r.job}:${r.index}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(after).toHaveLength(600);
    const info = JSON.parse(readFileSync(join(killed, 'run.json'), 'utf8')) as { sessions: { resumed: boolean }[]; status: string };
    expect(info.status).toBe('finished');
    expect(info.sessions.map((s) => s.resumed)).toEqual([false, true]);

    const straight = join(dir, 'straight');
    expect(gauntlet(['run', file, '--out', straight]).status).toBe(0);
    const essence = (r: SampleRecord): string => JSON.stringify([r.job, r.index, r.status, r.adversarial_prediction, r.adversarial]);
    const byKey = (rs: SampleRecord[]): string[] => rs.map(essence).sort();
    expect(byKey(after)).toEqual(byKey(readJsonl(join(straight, 'samples.jsonl'))));
  });
});
