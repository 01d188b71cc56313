// run.json, contract v1: what produced a run, so any two runs can be compared knowingly.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { RESULTS_CONTRACT } from './record.js';

/** A (model, attack) pair the config's `incompatible: skip` left out, and why. */
export interface LeftOutJob {
  job: string;
  model: string;
  attack: string;
  reason: string;
}

export interface RunInfo {
  contract: typeof RESULTS_CONTRACT;
  gauntlet_version: string;
  git_commit: string | null;
  name: string;
  config_file: string;
  config_hash: string;
  seed: number;
  backend: string;
  backend_tried: { backend: string; error: string }[];
  /** on wasm: gauntlet's native kernels in use ('native avx2'), or why not; absent in runs before them */
  kernels?: string;
  /** model worker threads (1: in-process) */
  workers: number;
  /** jobs left out because the model lacks what the plugin needs (config `incompatible: skip`) */
  jobs_left_out: LeftOutJob[];
  /** 'i/n' when this directory holds part i of n of the run (gauntlet run --shard), else null */
  shard: string | null;
  cores: number;
  node: string;
  platform: string;
  started: string;
  ended: string | null;
  status: 'running' | 'finished' | 'interrupted' | 'failed';
  /** every invocation that wrote into this directory (a resumed run has several) */
  sessions: { started: string; ended: string | null; resumed: boolean }[];
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function gauntletVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function gitCommit(): string | null {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty.length > 0 ? `${commit}-dirty` : commit;
  } catch {
    return null;
  }
}

export function hostCores(): number {
  return availableParallelism();
}

export function writeRunInfo(path: string, info: RunInfo): void {
  writeFileSync(path, JSON.stringify(info, null, 2) + '\n');
}

export function readRunInfo(path: string): RunInfo {
  return JSON.parse(readFileSync(path, 'utf8')) as RunInfo;
}
