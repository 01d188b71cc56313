// The key check on a trained zoo network and real MNIST digits: where both finish, the region
// search and the MILP find the same minimum; the region search finds at least what the local baseline
// finds; every adversarial reported validates.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { minimalLp } from '../../attacks/minimal-lp/index.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { loadModel, zooModelNames, type LayersModelHandle } from '../../harness/engine/model-handle.js';
import type { SampleOutcome } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';
import { correctlyClassified, runPlugin, type LabelledSample } from '../conformance/run-plugin.js';

const MODEL = 'mnist-mlp-10-10-10';
/** test digits on which the MILP takes a few seconds each (others take tens) */
const INDICES = [3, 7, 8, 9];
const present = zooModelNames().includes(MODEL);

let model: LayersModelHandle;
let samples: LabelledSample[];

beforeAll(async () => {
  if (!present) {
    console.warn(`minimal-lp zoo check skipped: models/${MODEL}/model.json is not there`);
    return;
  }
  await selectBackend('auto');
  model = await loadModel(MODEL);
  const mnist = await loadDataset('mnist', 'test');
  samples = await correctlyClassified(model, INDICES.map((index) => ({ index, x: mnist.sample(index), label: mnist.labels[index] })));
});

async function run(mode: string): Promise<SampleOutcome[]> {
  const params = minimalLp.params.parse({ mode, epsilon: 5, time_limit_s: 60, max_regions: 20000 });
  const outcomes = await runPlugin({ plugin: minimalLp, model, samples, params });
  const threat = minimalLp.threat(params);
  for (const o of outcomes) {
    if (o.status !== 'adversarial') continue;
    const sample = samples.find((s) => s.index === o.index) as LabelledSample;
    const [verdict] = await validateClaims(model, [{ original: sample.x, adversarial: o.adversarial, label: sample.label }], threat);
    expect(verdict).toMatchObject({ valid: true });
  }
  return samples.map((s) => outcomes.find((o) => o.index === s.index) as SampleOutcome);
}

describe(`minimal-lp on ${MODEL}`, () => {
  it('regions = milp where both complete, regions ≤ local, all adversarials valid', async () => {
    if (!present) return;
    expect(samples.length).toBeGreaterThan(2);
    const [regions, milp, local] = [await run('regions'), await run('milp'), await run('local')];
    let both = 0;
    let improved = 0;
    samples.forEach((_, n) => {
      const r = regions[n].details?.min_l1 as number | null;
      const m = milp[n].details?.min_l1 as number | null;
      const l = local[n].details?.min_l1 as number | null;
      if (regions[n].details?.complete === true && milp[n].details?.complete === true) {
        both++;
        if (r === null || m === null) expect(r).toBe(m);
        else expect(Math.abs(r - m)).toBeLessThan(1e-5);
      }
      if (l !== null) {
        expect(r).not.toBeNull();
        expect(r as number).toBeLessThanOrEqual(l + 1e-9);
        if ((r as number) < l - 1e-6) improved++;
      }
    });
    expect(both).toBe(samples.length);
    expect(improved).toBeGreaterThan(0);
  });
});
