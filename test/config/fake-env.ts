// A stand-in for the plugin registry and the zoo, so config tests do not depend on real plugins.
import { z } from 'zod';
import { definePlugin } from '../../harness/plugin.js';
import type { Capability } from '../../harness/types.js';
import type { ConfigEnv } from '../../harness/config/load.js';

export function fakePlugin<P>(id: string, params: z.ZodType<P>, needs: readonly Capability[] = ['gradients']) {
  return definePlugin<P>({
    id,
    summary: `fake ${id}`,
    kind: 'attack',
    params,
    needs,
    chunkSize: () => 1,
    threat: () => ({ norm: 'unbounded' }),
    run: async function* () {},
  });
}

// fgsm is a plain z.object (zod would silently drop unknown keys), pgd a strict one
const plugins = [
  fakePlugin('fgsm', z.object({ epsilon: z.number().min(0).default(0.1) })),
  fakePlugin(
    'pgd',
    z.strictObject({
      epsilon: z.number().min(0).default(0.3),
      steps: z.int().min(1).default(40),
      step_size: z.number().positive().default(0.01),
      restarts: z.int().min(0).default(1),
    }),
  ),
  fakePlugin('deepxplore', z.object({ lambda: z.number().default(1), strategy: z.enum(['random', 'topk']).default('topk') }), ['gradients', 'several-models']),
];

export const env: ConfigEnv = {
  plugins: new Map(plugins.map((plugin) => [plugin.id, plugin])),
  modelNames: ['mnist-mlp-60-30', 'mnist-lenet1', 'mnist-lenet4', 'mnist-lenet5'],
};
