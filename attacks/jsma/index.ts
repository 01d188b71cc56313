// JSMA (Papernot et al., "The Limitations of Deep Learning in Adversarial Settings", 2016): the
// targeted L0 baseline L0-TRE is compared with. Each iteration moves the pair of features the
// saliency map ranks best by θ (clipped to [0, 1]) and takes both out of the search domain, until
// the model says the target or the pixel budget is spent. Batched over the chunk: one Jacobian call
// and one classify call per iteration for every sample still searching.
import { z } from 'zod';
import { definePlugin } from '../../harness/plugin.js';
import type { AttackContext, SampleInput, SampleOutcome } from '../../harness/types.js';
import { stack } from '../shared/batch.js';
import { jacobianSource } from './jacobian.js';
import { bestPair } from './saliency-pair.js';

const params = z
  .object({
    /** most features changed (two per iteration); Papernot et al. allow 14.5% of MNIST's 784 */
    max_pixels: z.number().int().min(2).default(112),
    /** change per chosen feature, clipped to [0, 1]; positive increases features (as Papernot et al. on MNIST) */
    theta: z.number().min(-1).max(1).refine((v) => v !== 0, 'theta must not be 0').default(1),
    /** the target class: drawn at random from the other classes (cleverhans), the runner-up, the least likely, or label + 1 */
    target: z.enum(['random', 'closest', 'least-likely', 'next']).default('random'),
    chunk_size: z.number().int().positive().default(100),
  })
  .strict();

export type JsmaParams = z.infer<typeof params>;

interface Search {
  sample: SampleInput;
  target: number;
  x: Float32Array;
  /** features the saliency map may still choose */
  domain: number[];
  iterations: number;
}

export const jsma = definePlugin<JsmaParams>({
  id: 'jsma',
  summary: 'JSMA (Papernot et al.): targeted L0 attack moving the best pair of the saliency map by θ per iteration',
  kind: 'attack',
  params,
  needs: ['gradients'],
  chunkSize: (p) => p.chunk_size,
  threat: (p) => ({ norm: 'l0', budget: p.max_pixels }),
  run,
});

function chooseTarget(sample: SampleInput, row: Float32Array, classes: number, rule: JsmaParams['target']): number {
  switch (rule) {
    case 'random': {
      const draw = sample.rng.int(classes - 1);
      return draw >= sample.label ? draw + 1 : draw;
    }
    case 'next':
      return (sample.label + 1) % classes;
    case 'closest':
    case 'least-likely': {
      let best = -1;
      for (let k = 0; k < classes; k++) {
        if (k === sample.label) continue;
        const better = rule === 'closest' ? row[k] > row[best] : row[k] < row[best];
        if (best < 0 || better) best = k;
      }
      return best;
    }
  }
}

async function* run({ model, samples, params: p, signal }: AttackContext<JsmaParams>): AsyncGenerator<SampleOutcome> {
  if (signal.aborted) {
    for (const s of samples) yield { status: 'timeout', index: s.index, message: 'aborted before the first iteration' };
    return;
  }
  const size = model.inputSize;
  const classes = model.numClasses;
  const increase = p.theta > 0;
  const logits = p.target === 'closest' || p.target === 'least-likely' ? await model.predict(stack(samples.map((s) => s.x), size)) : undefined;
  const source = jacobianSource(model);
  let active: Search[] = samples.map((sample, n) => ({
    sample,
    target: chooseTarget(sample, logits?.subarray(n * classes, (n + 1) * classes) ?? new Float32Array(classes), classes, p.target),
    x: sample.x.slice(),
    domain: Array.from(sample.x.keys()).filter((i) => (increase ? sample.x[i] < 1 : sample.x[i] > 0)),
    iterations: 0,
  }));
  const maxIterations = Math.floor(p.max_pixels / 2);
  const details = (s: Search, extra: Record<string, unknown> = {}) => ({ target: s.target, iterations: s.iterations, jacobian: source.name, ...extra });

  while (active.length > 0) {
    if (signal.aborted) {
      for (const s of active) yield { status: 'timeout', index: s.sample.index, message: `aborted after ${s.iterations} iterations`, details: details(s) };
      return;
    }
    const { target, sum } = await source.gradients(stack(active.map((s) => s.x), size), Int32Array.from(active, (s) => s.target));
    const moved: Search[] = [];
    for (const [n, s] of active.entries()) {
      const pair = bestPair(target.subarray(n * size, (n + 1) * size), sum.subarray(n * size, (n + 1) * size), s.domain, increase);
      if (pair === undefined) {
        yield { status: 'not_found', index: s.sample.index, details: details(s, { stopped: 'no admissible pair' }) };
        continue;
      }
      for (const i of pair) s.x[i] = Math.min(1, Math.max(0, s.x[i] + p.theta));
      s.domain = s.domain.filter((i) => i !== pair[0] && i !== pair[1]);
      s.iterations++;
      moved.push(s);
    }
    if (moved.length === 0) return;
    const predictions = await model.classify(stack(moved.map((s) => s.x), size));
    active = [];
    for (const [n, s] of moved.entries()) {
      if (predictions[n] === s.target) {
        yield { status: 'adversarial', index: s.sample.index, adversarial: s.x, target: s.target, details: details(s) };
      } else if (s.iterations >= maxIterations || s.domain.length < 2) {
        yield { status: 'not_found', index: s.sample.index, details: details(s, { stopped: s.iterations >= maxIterations ? 'pixel budget' : 'search domain exhausted', prediction: predictions[n] }) };
      } else {
        active.push(s);
      }
    }
  }
}
