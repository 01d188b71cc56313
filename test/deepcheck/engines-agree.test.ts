// The exact engine against Z3 on DeepCheck's own queries: every pixel (and shortlisted pair) of several
// images, both the exact question and the witness question with margins. The two must answer every
// query alike, and every attack either one produces must pass the harness's re-check.
import { afterAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { orderedPixels } from '../../attacks/deepcheck/candidates.js';
import { importanceScores, rankPixels } from '../../attacks/deepcheck/importance.js';
import { PathLinearization } from '../../attacks/deepcheck/path-linearization.js';
import { searchAttacks, type SearchResult } from '../../attacks/deepcheck/search.js';
import { loadDataset } from '../../harness/data/dataset.js';
import { loadModel, wrapLayersModel, zooModelNames } from '../../harness/engine/model-handle.js';
import { createRng } from '../../harness/rng.js';
import { smtEngine, type SmtEngine, type SmtEngineName } from '../../harness/solvers/smt/engine.js';
import type { SmtProblem } from '../../harness/solvers/smt/problem.js';
import { releaseZ3 } from '../../harness/solvers/smt/z3-engine.js';
import type { ModelHandle } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';

await tf.setBackend('cpu');

/** An engine that also writes down its answer to every query, in order. */
function recording(name: SmtEngineName, answers: string[]): SmtEngine {
  const engine = smtEngine(name, { add: () => undefined });
  return {
    ...engine,
    solve: async (problem: SmtProblem) => {
      const result = await engine.solve(problem);
      answers.push(`${problem.variables.map((v) => v.name).join('+')}: ${result.status}`);
      return result;
    },
  };
}

interface Compared {
  queries: number;
  sat: number;
  attacks: number;
}

async function compareEngines(model: ModelHandle, x: Float32Array, label: number, t: 1 | 2, pixels: Int32Array): Promise<Compared> {
  const path = new PathLinearization(model.piecewiseLinear(), x);
  const settings = { t, order: 'scan' as const, pixels, mode: 'all' as const, margin: 1e-3, goal: { label } };
  const answers: Record<SmtEngineName, string[]> = { exact: [], z3: [] };
  const results: SearchResult[] = [];
  for (const name of ['exact', 'z3'] as const) {
    results.push(await searchAttacks(path, model, recording(name, answers[name]), settings, new AbortController().signal));
  }
  expect(answers.z3).toEqual(answers.exact);
  for (const result of results) {
    expect(result.unconfirmed).toEqual([]);
    const verdicts = await validateClaims(model, result.attacks.map((a) => ({ original: x, adversarial: a.image, label })), { norm: 'l0', budget: t });
    verdicts.forEach((v) => expect(v).toMatchObject({ valid: true }));
  }
  return { queries: answers.exact.length, sat: answers.exact.filter((a) => a.endsWith('sat') && !a.endsWith('unsat')).length, attacks: results[0].attacks.length };
}

function seededMlp(): ModelHandle {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 10, stddev: 0.2 }) });
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [8, 8, 1] }),
      tf.layers.dense({ units: 10, activation: 'relu', ...init(11) }),
      tf.layers.dense({ units: 8, activation: 'relu', ...init(12) }),
      tf.layers.dense({ units: 4, ...init(13) }),
    ],
  });
  return wrapLayersModel('seeded-mlp-64', model);
}

function seededCnn(): ModelHandle {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 10, stddev: 0.2 }) });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, activation: 'relu', ...init(21) }),
      tf.layers.conv2d({ filters: 4, kernelSize: 2, strides: 2, padding: 'same', activation: 'relu', ...init(22) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, ...init(23) }),
    ],
  });
  return wrapLayersModel('seeded-cnn-36', model);
}

afterAll(releaseZ3);

describe('exact and z3 engines on DeepCheck queries', () => {
  it('agree on every pixel and every top-10 pair of six images of a seeded 64-10-8-4 MLP', async () => {
    const model = seededMlp();
    const rng = createRng('engines-agree');
    const total: Compared = { queries: 0, sat: 0, attacks: 0 };
    for (let image = 0; image < 6; image++) {
      const x = Float32Array.from({ length: 64 }, () => (rng.next() < 0.6 ? 0 : rng.next()));
      const [label] = await model.classify(x);
      const path = new PathLinearization(model.piecewiseLinear(), x);
      const ranking = rankPixels(importanceScores('coi', path.logitGradient.subarray(label * 64, label * 64 + 64), x));
      for (const [t, pixels] of [[1, orderedPixels('scan', ranking, 0)], [2, orderedPixels('shortlist', ranking, 10)]] as const) {
        const compared = await compareEngines(model, x, label, t, pixels);
        total.queries += compared.queries;
        total.sat += compared.sat;
        total.attacks += compared.attacks;
      }
    }
    expect(total.queries).toBeGreaterThan(6 * (64 + 45));
    expect(total.attacks).toBeGreaterThan(5);
  });

  it('agree on every pixel of four images of a seeded convolutional net (convolutions unrolled)', async () => {
    const model = seededCnn();
    const rng = createRng('engines-agree-cnn');
    // of 50 random images, the four closest to a decision boundary, where single pixels can matter
    const gap = (x: Float32Array) => {
      const logits = [...new PathLinearization(model.piecewiseLinear(), x).logits].sort((a, b) => b - a);
      return logits[0] - logits[1];
    };
    const images = Array.from({ length: 50 }, () => Float32Array.from({ length: 36 }, () => rng.next()))
      .sort((a, b) => gap(a) - gap(b))
      .slice(0, 4);
    let attacks = 0;
    for (const x of images) {
      const [label] = await model.classify(x);
      attacks += (await compareEngines(model, x, label, 1, Int32Array.from({ length: 36 }, (_, i) => i))).attacks;
    }
    expect(attacks).toBeGreaterThan(0);
  });

  const zoo = 'mnist-mlp-10-10-10';
  it(`agree on every pixel of an MNIST digit with 1-pixel attacks on ${zoo}`, async () => {
    if (!zooModelNames().includes(zoo)) {
      console.warn(`skipped: models/${zoo} is not there yet`);
      return;
    }
    const model = await loadModel(zoo);
    const mnist = await loadDataset('mnist', 'test');
    const exact = smtEngine('exact', { add: () => undefined });
    const all = Int32Array.from({ length: 784 }, (_, i) => i);
    // the first correctly classified test digit that has a 1-pixel attack along its path, found with the fast engine
    for (let index = 0; index < 200; index++) {
      const x = mnist.sample(index);
      const label = mnist.labels[index];
      if ((await model.classify(x))[0] !== label) continue;
      const path = new PathLinearization(model.piecewiseLinear(), x);
      const quick = await searchAttacks(path, model, exact, { t: 1, order: 'scan', pixels: all, mode: 'first', margin: 1e-3, goal: { label } }, new AbortController().signal);
      if (quick.attacks.length === 0) continue;
      const compared = await compareEngines(model, x, label, 1, all);
      expect(compared.attacks).toBeGreaterThan(0);
      return;
    }
    throw new Error(`no test digit among the first 200 has a 1-pixel attack on ${zoo}`);
  });
});
