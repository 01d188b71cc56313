// Bench section: where the time of mnist-lenet5's forward pass and input gradient goes, kernel by
// kernel, at batch 1024 on one thread (the calling thread, no worker pool), with gauntlet's native
// kernels and with its wasm kernels alone. The figures behind the README's per-kernel claims; on a
// backend other than wasm the section says so and measures nothing.
import * as tf from '@tensorflow/tfjs';
import { nativeKernels, nativeKernelsStatus, useNativeKernels } from '../engine/kernels/native-kernels.js';
import { loadModel } from '../engine/model-handle.js';
import type { BenchSection } from './bench-section.js';
import type { BenchFigure } from './figure.js';
import { spread } from './paired-runs.js';

const MODEL = 'mnist-lenet5';
const BATCH = 1024;
/** kernels whose median is below this are summed into one "other kernels" row */
const MIN_KERNEL_MS = 1;

type Pass = 'forward' | 'input gradient';

/** Wall milliseconds of the pass and the milliseconds of each kernel (name and input shapes) in it. */
async function profiled(run: () => Promise<unknown>): Promise<{ wall: number; kernels: Map<string, number> }> {
  const start = performance.now();
  const info = await tf.profile(async () => {
    await run();
  });
  const wall = performance.now() - start;
  const kernels = new Map<string, number>();
  for (const k of info.kernels) {
    // tf.profile lists ops (lower case, "__op") and the kernels they run; keep the kernels
    if (k.name.endsWith('__op')) continue;
    const key = `${k.name} ${JSON.stringify(k.inputShapes.filter((s) => s !== null))}`;
    kernels.set(key, (kernels.get(key) ?? 0) + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0));
  }
  return { wall, kernels };
}

function figure(name: string, values: readonly number[]): BenchFigure {
  const { median, min, max } = spread(values);
  const round = (v: number): number => Number(v.toFixed(2));
  return { model: MODEL, figure: name, unit: 'ms', median: round(median), min: round(min), max: round(max), runs: values.length };
}

export const kernelProfile: BenchSection = {
  id: 'kernels',
  describe: `per-kernel milliseconds of ${MODEL}'s forward pass and input gradient, batch ${BATCH}, one thread, with gauntlet's native kernels and with its wasm kernels alone`,
  models: [],
  async run({ test, runs, log }) {
    if (tf.getBackend() !== 'wasm') {
      log(`kernels: the ${tf.getBackend()} backend runs its own kernels; this section measures the wasm ones`);
      return [];
    }
    const model = await loadModel(MODEL);
    const x = test.images.subarray(0, BATCH * model.inputSize);
    const labels = Int32Array.from(test.labels.subarray(0, BATCH));
    const passes: Record<Pass, () => Promise<unknown>> = {
      forward: () => model.predict(x),
      'input gradient': () => model.inputGradient(x, { kind: 'cross-entropy', labels }),
    };
    const paths = nativeKernels() === undefined ? ['wasm kernels'] : ['native', 'wasm kernels'];
    if (paths.length === 1) log(`kernels: no native kernels here (${nativeKernelsStatus()}); wasm kernels alone`);
    const figures: BenchFigure[] = [];
    try {
      for (const path of paths) {
        useNativeKernels(path === 'native');
        for (const [pass, run] of Object.entries(passes) as [Pass, () => Promise<unknown>][]) {
          await run();
          const walls: number[] = [];
          const perKernel = new Map<string, number[]>();
          for (let r = 0; r < runs; r++) {
            const { wall, kernels } = await profiled(run);
            walls.push(wall);
            for (const [key, ms] of kernels) perKernel.set(key, [...(perKernel.get(key) ?? []), ms]);
          }
          figures.push(figure(`${pass}, whole pass (${path})`, walls));
          const rows = [...perKernel].map(([key, values]) => ({ key, values, median: spread(values).median })).sort((a, b) => b.median - a.median);
          const other = Array.from({ length: runs }, () => 0);
          for (const row of rows) {
            if (row.median >= MIN_KERNEL_MS && row.values.length === runs) figures.push(figure(`${pass}: ${row.key} (${path})`, row.values));
            else row.values.forEach((v, i) => (other[i] += v));
          }
          figures.push(figure(`${pass}: other kernels (${path})`, other));
        }
      }
    } finally {
      useNativeKernels(true);
    }
    return figures;
  },
};
