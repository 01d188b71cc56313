// The kit itself must catch broken plugins: each deliberately broken plugin below is rejected with its reason.
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { plugins } from '../../attacks/registry.js';
import { definePlugin, type RegisteredPlugin } from '../../harness/plugin.js';
import { createRng } from '../../harness/rng.js';
import type { AttackContext, SampleOutcome } from '../../harness/types.js';
import { argmax, linearModel } from '../helpers/linear-model.js';
import { checkPluginConformance, type ConformanceReport } from './plugin-conformance.js';
import type { LabelledSample } from './run-plugin.js';

// A tfjs-free stand-in for an MNIST classifier: 28×28×1 inputs, 10 classes, random linear weights.
const rng = createRng('kit-fake-mnist');
const mnistLike = linearModel({
  name: 'fake-mnist-linear',
  inputShape: [28, 28, 1],
  weights: Array.from({ length: 10 }, () => Array.from({ length: 784 }, () => rng.normal() * 0.1)),
  bias: new Array(10).fill(0),
});
/** A second model, for plugins that need several (DeepXplore): the same shape, other weights. */
const otherLike = linearModel({
  name: 'fake-mnist-linear-2',
  inputShape: [28, 28, 1],
  weights: Array.from({ length: 10 }, () => Array.from({ length: 784 }, () => rng.normal() * 0.1)),
  bias: new Array(10).fill(0),
});
const images: LabelledSample[] = Array.from({ length: 12 }, (_, index) => {
  const x = Float32Array.from({ length: 784 }, () => (rng.next() < 0.8 ? 0 : rng.next()));
  return { index, x, label: argmax(mnistLike.logits(x)) };
});

const schema = z.object({ epsilon: z.number().default(0.1) }).strict();
type Params = z.infer<typeof schema>;

/** A plugin with the given run; everything else conforms. */
function broken(id: string, run: (ctx: AttackContext<Params>) => AsyncIterable<SampleOutcome>, extra: Partial<Parameters<typeof definePlugin<Params>>[0]> = {}): RegisteredPlugin {
  return definePlugin<Params>({ id, summary: id, kind: 'attack', params: schema, needs: [], chunkSize: () => 4, threat: (p) => ({ norm: 'linf', budget: p.epsilon }), run, ...extra });
}

function problemsOf(report: ConformanceReport): string[] {
  if (report.skipped !== undefined) throw new Error(`unexpectedly skipped: ${report.skipped}`);
  return report.problems;
}

/** Pushes x towards `towards` by ε per pixel in the box: an honest, valid claim when it flips the label. */
function shifted(x: Float32Array, sign: Float32Array, epsilon: number): Float32Array {
  return x.map((v, i) => Math.min(1, Math.max(0, v + epsilon * sign[i])));
}

describe('conformance kit on the registered plugins (fake MNIST-like linear model)', () => {
  it.each([...plugins.keys()])('%s conforms', async (id) => {
    const report = await checkPluginConformance(plugins.get(id)!, mnistLike, images, {}, { extraModels: [otherLike] });
    expect(problemsOf(report)).toEqual([]);
    if (report.skipped === undefined) expect(report.samples).toBe(images.length);
  });
});

describe('conformance kit catches broken plugins', () => {
  it('a forged adversarial (the unchanged image)', async () => {
    const plugin = broken('forger', async function* ({ samples }) {
      for (const s of samples) yield { status: 'adversarial', index: s.index, adversarial: s.x.slice() };
    });
    const problems = problemsOf(await checkPluginConformance(plugin, mnistLike, images));
    expect(problems).toContain(`run: sample 0: claimed adversarial is invalid: model predicts ${images[0].label}, the true label`);
  });

  it('a perturbation beyond the declared budget', async () => {
    const plugin = broken('overreach', async function* ({ samples, params }) {
      for (const s of samples) yield { status: 'adversarial', index: s.index, adversarial: shifted(s.x, new Float32Array(784).fill(1), 3 * params.epsilon) };
    });
    const problems = problemsOf(await checkPluginConformance(plugin, mnistLike, images));
    expect(problems.some((p) => /claimed adversarial is invalid: linf distance 0\.3\d* exceeds the budget 0\.1/.test(p))).toBe(true);
  });

  it('missing, duplicated and foreign outcomes', async () => {
    const plugin = broken('sloppy', async function* ({ samples }) {
      yield { status: 'not_found', index: samples[0].index };
      yield { status: 'not_found', index: samples[0].index };
      yield { status: 'not_found', index: 9999 };
    });
    const problems = problemsOf(await checkPluginConformance(plugin, mnistLike, images));
    expect(problems).toContain('run: two outcomes for sample 0');
    expect(problems).toContain('run: outcome for sample 9999, which the plugin was not given');
    expect(problems).toContain('run: no outcome for samples 1, 2, 3, 5, 6, 7, 9, 10, 11');
  });

  it('nondeterminism (Math.random instead of the sample rng)', async () => {
    const plugin = broken('dice', async function* ({ samples }) {
      for (const s of samples) yield { status: 'not_found', index: s.index, details: { roll: Math.random() } };
    });
    const problems = problemsOf(await checkPluginConformance(plugin, mnistLike, images));
    expect(problems.some((p) => p.startsWith('not deterministic'))).toBe(true);
  });

  it('a plugin that ignores the abort signal', async () => {
    const plugin = broken('deaf', async function* ({ samples }) {
      for (const s of samples) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        yield { status: 'not_found', index: s.index };
      }
    });
    const problems = problemsOf(await checkPluginConformance(plugin, mnistLike, images, {}, { abortGraceMs: 100 }));
    expect(problems).toContain('abort before start: still running 100 ms after the abort');
    expect(problems).toContain('abort after the first outcome: still running 100 ms after the abort');
  });

  it('a plugin that reports an interrupted search as finished', async () => {
    const plugin = broken('hasty', async function* ({ samples, model, signal, params }) {
      for (const s of samples) {
        if (signal.aborted) {
          yield { status: 'not_found', index: s.index };
          continue;
        }
        const { gradient } = await model.inputGradient(s.x, { kind: 'margin', labels: Int32Array.of(s.label) });
        const x = shifted(s.x, gradient.map(Math.sign), params.epsilon);
        const [prediction] = await model.classify(x);
        yield prediction === s.label ? { status: 'not_found', index: s.index } : { status: 'adversarial', index: s.index, adversarial: x };
      }
    }, { threat: () => ({ norm: 'linf', budget: 0.5 }) });
    const report = await checkPluginConformance(plugin, mnistLike, images, { epsilon: 0.5 });
    expect(report.skipped === undefined && report.statuses.adversarial).toBeGreaterThan(0);
    expect(problemsOf(report).some((p) => /^abort before start: sample \d+ reported 'not_found' but differs from the unaborted run/.test(p))).toBe(true);
  });

  it('loose params, a malformed threat, robust without a region, an error outcome and details JSON cannot keep', async () => {
    const plugin = broken(
      'lax',
      async function* ({ samples }) {
        yield { status: 'robust', index: samples[0].index, region: '' };
        yield { status: 'error', index: samples[1].index, message: 'solver missing' };
        for (const s of samples.slice(2)) yield { status: 'not_found', index: s.index, details: { spread: Number.NaN } };
      },
      { params: z.object({ epsilon: z.number() }) as unknown as z.ZodType<Params>, threat: () => ({ norm: 'linf', budget: -1 }) },
    );
    const problems = problemsOf(await checkPluginConformance(plugin, mnistLike, images, { epsilon: 0.1 }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'params do not parse from {}: every param needs a default',
        'params accept an unknown key: make the schema strict so typos in configs are errors',
        'threat budget -1 is not a finite number ≥ 0',
        'run: sample 0 is \'robust\' without a region',
        'run: sample 1 failed: solver missing',
        'run: sample 2: details do not survive JSON ({"spread":null}): records would change them',
      ]),
    );
  });

  it('skips, with the reason, a plugin whose needs the model cannot meet', async () => {
    const plugin = broken('pair', async function* () {}, { needs: ['several-models'] });
    const report = await checkPluginConformance(plugin, mnistLike, images);
    expect(report.skipped).toMatch(/^pair needs several models/);
  });
});
