// Valid configs come out typed, with every default filled and `data` always a list.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeExperiment, loadExperimentFile, parseExperiment } from '../../harness/config/load.js';
import type { Experiment } from '../../harness/config/experiment.js';
import { env } from './fake-env.js';

const MINIMAL = `
name: smoke
data: {dataset: mnist, samples: 20}
models: [mnist-mlp-60-30]
attacks:
  - id: fgsm
`;

const FULL = `
name: suite.v2
seed: 7
backend: wasm
data:
  - {dataset: mnist, samples: 20, offset: 100}
  - {dataset: fashion-mnist, split: train, indices: [3, 17, 42]}
  - {dataset: mnist, per_class: 5}
models: [mnist-lenet1, {path: ./my/model.json}]
attacks:
  - {id: fgsm, params: {epsilon: 0.2}}
  - {id: fgsm}
  - {id: pgd, params: {steps: 10}}
  - {id: deepxplore, models: [mnist-lenet4, mnist-lenet5]}
  - {id: deepxplore, models: [mnist-lenet4]}
limits: {sample_timeout_s: 30}
`;

const FULL_EXPERIMENT: Experiment = {
  name: 'suite.v2',
  seed: 7,
  backend: 'wasm',
  data: [
    { dataset: 'mnist', split: 'test', samples: 20, offset: 100 },
    { dataset: 'fashion-mnist', split: 'train', indices: [3, 17, 42] },
    { dataset: 'mnist', split: 'test', per_class: 5 },
  ],
  models: ['mnist-lenet1', { path: './my/model.json' }],
  attacks: [
    { id: 'fgsm', params: { epsilon: 0.2 } },
    { id: 'fgsm', params: { epsilon: 0.1 } },
    { id: 'pgd', params: { epsilon: 0.3, steps: 10, step_size: 0.01, restarts: 1 } },
    { id: 'deepxplore', params: { lambda: 1, strategy: 'topk' }, models: ['mnist-lenet4', 'mnist-lenet5'] },
    { id: 'deepxplore', params: { lambda: 1, strategy: 'topk' }, models: ['mnist-lenet4'] },
  ],
  limits: { sample_timeout_s: 30 },
  incompatible: 'error',
  output: { images: false },
};

describe('parseExperiment accepts', () => {
  test('a minimal config, filling every default', () => {
    expect(parseExperiment(MINIMAL, 'smoke.yaml', env)).toEqual({
      name: 'smoke',
      seed: 0,
      backend: 'auto',
      data: [{ dataset: 'mnist', split: 'test', samples: 20 }],
      models: ['mnist-mlp-60-30'],
      attacks: [{ id: 'fgsm', params: { epsilon: 0.1 } }],
      limits: { sample_timeout_s: 60 },
      incompatible: 'error',
  output: { images: false },
    });
  });

  test('a full config: data lists, model paths, partial params, extra models', () => {
    expect(parseExperiment(FULL, 'suite.yaml', env)).toEqual(FULL_EXPERIMENT);
  });

  test('anchors and aliases', () => {
    const source = `
name: aliased
data: {dataset: mnist, samples: 2}
models: &zoo [mnist-lenet1, mnist-lenet4]
attacks:
  - {id: deepxplore, models: *zoo}
`;
    expect(parseExperiment(source, 'a.yaml', env).attacks[0].models).toEqual(['mnist-lenet1', 'mnist-lenet4']);
  });
});

describe('loadExperimentFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gauntlet-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reads and parses the file', () => {
    const file = join(dir, 'full.yaml');
    writeFileSync(file, FULL);
    expect(loadExperimentFile(file, env)).toEqual(FULL_EXPERIMENT);
  });

  test('names the file it read in messages', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, MINIMAL.replace('samples: 20', 'samples: -2'));
    expect(() => loadExperimentFile(file, env)).toThrow(`${file}:3:33: data.samples: got -2, expected an integer >= 1`);
  });
});

test('describeExperiment summarises data, models, attacks with filled params, and the job count', () => {
  expect(describeExperiment(FULL_EXPERIMENT)).toBe(
    [
      'experiment suite.v2: seed 7, backend wasm, 30 s per sample',
      'data (3):',
      '  mnist test: 20 samples, indices 100..119',
      '  fashion-mnist train: 3 samples, indices 3, 17, 42',
      '  mnist test: 5 samples per class',
      'models (2):',
      '  mnist-lenet1',
      '  ./my/model.json',
      'attacks (5):',
      '  fgsm epsilon=0.2',
      '  fgsm epsilon=0.1',
      '  pgd epsilon=0.3 steps=10 step_size=0.01 restarts=1',
      '  deepxplore lambda=1 strategy=topk, with mnist-lenet4, mnist-lenet5',
      '  deepxplore lambda=1 strategy=topk, with mnist-lenet4',
      'jobs: 30 (3 data × 2 models × 5 attacks)',
    ].join('\n'),
  );
});
