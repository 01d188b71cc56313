// The `kernels` bench section on one run: a whole-pass row and kernel rows for each pass and path,
// kernel times that fit inside their pass, and the native kernels switched back on afterwards.
import { describe, expect, it } from '@jest/globals';
import { kernelProfile } from '../../harness/bench/kernel-profile.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { nativeKernels, useNativeKernels } from '../../harness/engine/kernels/native-kernels.js';

describe('bench section kernels', () => {
  it('profiles both passes on every available path, kernel by kernel', async () => {
    await selectBackend('wasm');
    const test = await loadDataset('mnist', 'test');
    const lines: string[] = [];
    const before = nativeKernels();
    const figures = await kernelProfile.run({ test, runs: 1, log: (line) => lines.push(line), model: () => Promise.reject(new Error('the section loads its own model')) });
    const paths = nativeKernels() === undefined ? ['wasm kernels'] : ['native', 'wasm kernels'];
    for (const path of paths) {
      for (const pass of ['forward', 'input gradient']) {
        const whole = figures.find((f) => f.figure === `${pass}, whole pass (${path})`);
        const parts = figures.filter((f) => f.figure.startsWith(`${pass}: `) && f.figure.endsWith(`(${path})`));
        expect(whole).toBeDefined();
        // the convolutions are there under their own names, and the rest is summed into one row
        expect(parts.some((f) => f.figure.includes('Conv2D'))).toBe(true);
        expect(parts.filter((f) => f.figure.includes('other kernels'))).toHaveLength(1);
        // kernels run inside their pass: their times cannot add up to more than its wall time
        const sum = parts.reduce((total, f) => total + f.median, 0);
        expect(sum).toBeLessThanOrEqual((whole?.median ?? 0) + 0.05 * parts.length);
        for (const f of parts) expect(f).toMatchObject({ model: 'mnist-lenet5', unit: 'ms', runs: 1 });
      }
    }
    if (paths.length === 1) expect(lines.join('\n')).toMatch(/no native kernels here/);
    // the section switched the native kernels off for its second path and on again
    expect(nativeKernels()).toBe(before);
    useNativeKernels(true);
  });
});
