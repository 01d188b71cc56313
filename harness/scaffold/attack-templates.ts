// What `gauntlet new attack <id>` writes: a plugin that already works (one random signed step in the
// L∞ ball, so the harness, the conformance kit and a config can run it at once), its README, and a
// test with known answers on a hand-built linear model plus the conformance kit.
import type { PluginNames } from './plugin-id.js';

export function pluginSource(n: PluginNames): string {
  return `// ${n.id}: one random signed step of size ε in the L∞ ball, clipped to [0, 1]. Scaffolded by
// \`gauntlet new attack ${n.id}\` as a working starting point: replace the search in \`run\`, keep the contract.
import { z } from 'zod';
import { definePlugin } from '../../harness/plugin.js';
import type { SampleOutcome } from '../../harness/types.js';
import { stack } from '../shared/batch.js';
import { linfBall, project } from '../shared/linf-ball.js';

const params = z
  .object({
    epsilon: z.number().positive().default(0.1),
  })
  .strict();

export type ${n.paramsType} = z.infer<typeof params>;

export const ${n.constant} = definePlugin<${n.paramsType}>({
  id: '${n.id}',
  summary: 'One random signed step x + ε·s, s uniform in {−1, +1} per pixel, clipped to [0, 1] (classify only)',
  kind: 'attack',
  params,
  needs: [],
  chunkSize: () => 100,
  threat: (p) => ({ norm: 'linf', budget: p.epsilon }),
  async *run({ model, samples, params: p, signal }): AsyncGenerator<SampleOutcome> {
    // a model call on an empty batch is an error, and there is nothing to report
    if (samples.length === 0) return;
    if (signal.aborted) {
      for (const { index } of samples) yield { status: 'timeout', index, message: 'aborted before the step' };
      return;
    }
    // each sample draws from its own stream, so outcomes do not depend on how samples are chunked
    const candidates = samples.map((s) => {
      const box = linfBall(s.x, p.epsilon);
      return Float32Array.from(s.x, (v, i) => project(v + (s.rng.next() < 0.5 ? -p.epsilon : p.epsilon), box, i));
    });
    const predictions = await model.classify(stack(candidates, model.inputSize));
    for (let n = 0; n < samples.length; n++) {
      const { index, label } = samples[n];
      const prediction = predictions[n];
      yield prediction === label
        ? { status: 'not_found', index, details: { prediction } }
        : { status: 'adversarial', index, adversarial: candidates[n], details: { prediction } };
    }
  },
});
`;
}

export function pluginReadme(n: PluginNames): string {
  return `# ${n.id}

One random signed step of size ε in the L∞ ball, clipped to [0, 1]: a scaffold from
\`gauntlet new attack ${n.id}\`. Replace the search in \`run\` (index.ts) with your method and keep the
contract: one outcome per sample, claims the harness can re-check, \`ctx.signal\` honoured.

| param | default | meaning |
|---|---|---|
| \`epsilon\` | 0.1 | L∞ budget: no pixel moves by more than ε |

- **Threat model**: L∞ ≤ ε; the harness re-checks every claimed adversarial against it.
- **Needs**: forward passes only (\`needs: []\`).
- **Run it**: \`attacks: [{id: ${n.id}, params: {epsilon: 0.1}}]\` in an experiment, then \`gauntlet run\`.
- **Tests**: \`npm test -- test/plugins/${n.id}.test.ts\` (known answers on a hand-built linear model,
  and the conformance kit); \`test/conformance/all-plugins.test.ts\` also runs it on zoo models.
`;
}

export function pluginTest(n: PluginNames): string {
  return `import { describe, expect, it } from '@jest/globals';
import { ${n.constant} } from '../../attacks/${n.id}/index.js';
import { checkPluginConformance } from '../conformance/plugin-conformance.js';
import { runPlugin } from '../conformance/run-plugin.js';
import { linearModel } from '../helpers/linear-model.js';

// One pixel; logits (0.3, 10x − 5, 5 − 10x). At x = 0.5 class 0 wins; class 1 wins above x = 0.53 and
// class 2 below x = 0.47. So a step of ε = 0.1 flips the label whichever sign it draws, and ε = 0.01 never does.
const model = linearModel({ weights: [[0], [10], [-10]], bias: [0.3, -5, 5] });
const sample = { index: 0, x: Float32Array.from([0.5]), label: 0 };

describe('${n.id}', () => {
  it('parses defaults and declares an L∞ threat', () => {
    expect(${n.constant}.params.parse({})).toEqual({ epsilon: 0.1 });
    expect(${n.constant}.threat(${n.constant}.params.parse({ epsilon: 0.3 }))).toEqual({ norm: 'linf', budget: 0.3 });
    expect(() => ${n.constant}.params.parse({ epsilon: -1 })).toThrow();
  });

  it('flips the label whichever way it steps when ε = 0.1', async () => {
    const [outcome] = await runPlugin({ plugin: ${n.constant}, model, samples: [sample], params: ${n.constant}.params.parse({ epsilon: 0.1 }) });
    expect(outcome.status).toBe('adversarial');
    if (outcome.status !== 'adversarial') return;
    const up = outcome.adversarial[0] > 0.5;
    expect(outcome.adversarial[0]).toBe(Math.fround(up ? 0.6 : 0.4));
    expect(outcome.details).toEqual({ prediction: up ? 1 : 2 });
  });

  it('finds nothing when ε = 0.01', async () => {
    const [outcome] = await runPlugin({ plugin: ${n.constant}, model, samples: [sample], params: ${n.constant}.params.parse({ epsilon: 0.01 }) });
    expect(outcome).toEqual({ status: 'not_found', index: 0, details: { prediction: 0 } });
  });

  it('passes the conformance kit', async () => {
    const samples = [0.5, 0.49, 0.51, 0.5].map((v, index) => ({ index, x: Float32Array.from([v]), label: 0 }));
    const report = await checkPluginConformance(${n.constant}, model, samples);
    expect(report.skipped).toBeUndefined();
    if (report.skipped === undefined) expect(report.problems).toEqual([]);
  });
});
`;
}
