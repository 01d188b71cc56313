import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../harness/engine/backend.js';
import { nativeKernels, nativeKernelsStatus } from '../../harness/engine/kernels/native-kernels.js';
import { UserError } from '../../harness/errors.js';

// This machine has neither libtensorflow nor a GPU: the native probes must fail cleanly.
describe('selectBackend', () => {
  it('auto falls through the native backends to wasm and reports what it tried', async () => {
    const selection = await selectBackend('auto');
    expect(selection.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selection.tried.map((t) => t.backend)).toEqual(['tensorflow-gpu', 'tensorflow']);
    for (const t of selection.tried) expect(t.error.length).toBeGreaterThan(0);
  });

  it('registers the filter-gradient kernel CNN training needs on wasm', async () => {
    await selectBackend('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('selects cpu when asked', async () => {
    expect(await selectBackend('cpu')).toEqual({ backend: 'cpu', kernels: 'n/a', tried: [] });
  });

  it('reports on wasm whether the native kernels run', async () => {
    const { kernels } = await selectBackend('wasm');
    expect(kernels).toBe(nativeKernelsStatus());
    expect(kernels).toMatch(nativeKernels() === undefined ? /^(not built|off|failed to load|stale build)/ : /^native (avx2|generic)$/);
  });

  it('refuses an explicit backend that cannot run, saying why', async () => {
    const error = await selectBackend('tensorflow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/^backend 'tensorflow' is not usable here: .+ \(use backend: auto to fall back\)$/);
  });
});
