// Every bad config must fail with one line: file:line:col: key path: what is wrong, expected what.
import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { UserError } from '../../harness/errors.js';
import { type ConfigEnv, loadExperimentFile, parseExperiment } from '../../harness/config/load.js';
import { env, fakePlugin } from './fake-env.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/** The valid base every case departs from, one line at a time. */
const NAME = 'name: smoke';
const DATA = 'data: {dataset: mnist, samples: 20}';
const MODELS = 'models: [mnist-mlp-60-30]';
const ATTACKS = ['attacks:', '  - {id: fgsm}'];

function rejection(source: string, against: ConfigEnv = env): string {
  try {
    parseExperiment(source, 'configs/x.yaml', against);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    const message = (error as UserError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('the config was accepted');
}

describe('parseExperiment rejects', () => {
  test.each<[string, string, string]>([
    ['a YAML syntax error, at yaml\'s own position', yaml(NAME, 'data: {dataset: mnist', MODELS), 'configs/x.yaml:3:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }'],
    ['a compact nested mapping', yaml('name: smoke: 2', DATA), 'configs/x.yaml:1:7: invalid YAML: Nested mappings are not allowed in compact mappings'],
    ['a key given twice', yaml(NAME, DATA, 'name: other'), "configs/x.yaml:3:1: invalid YAML: key 'name' given twice, expected each key once per mapping"],
    ['an alias with no anchor', yaml(NAME, DATA, 'models: *zoo'), 'configs/x.yaml:3:9: invalid YAML: alias *zoo has no anchor &zoo before it'],
    ['an empty file', '', 'configs/x.yaml:1:1: top level: got an empty file, expected a mapping with keys name, data, models and attacks'],
    ['a file of comments only', '# nothing yet\n', 'configs/x.yaml:1:1: top level: got an empty file, expected a mapping with keys name, data, models and attacks'],
    ['a list at the top level', yaml('- fgsm', '- pgd'), 'configs/x.yaml:1:1: top level: got a list, expected a mapping with keys name, data, models and attacks'],
    ['an unknown top-level key', yaml(NAME, 'sed: 3', DATA, MODELS, ...ATTACKS), "configs/x.yaml:2:1: sed: unknown key (did you mean 'seed'?)"],
    ['a misspelt required key (not the missing one)', yaml(NAME, 'data: {datset: mnist, samples: 20}', MODELS, ...ATTACKS), "configs/x.yaml:2:8: data.datset: unknown key (did you mean 'dataset'?)"],
    ['an unknown key with nothing close', yaml(NAME, DATA, MODELS, ...ATTACKS, 'limits: {budget: 3}'), 'configs/x.yaml:6:10: limits.budget: unknown key, expected one of sample_timeout_s'],
    ['an unknown key in params zod would drop', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: fgsm, params: {epsilom: 0.2}}'), "configs/x.yaml:5:25: attacks[0].params.epsilom: unknown key (did you mean 'epsilon'?)"],
    ['an unknown key in strict params', yaml(NAME, DATA, MODELS, 'attacks:', '  - id: pgd', '    params:', '      step: 10'), "configs/x.yaml:7:7: attacks[0].params.step: unknown key (did you mean 'steps'?)"],
    ['a missing name, at the top mapping', yaml(DATA, MODELS, ...ATTACKS), "configs/x.yaml:1:1: name: missing, expected a name of letters, digits, '.', '_' or '-'"],
    ['a name with a space', yaml("name: 'my run'", DATA, MODELS, ...ATTACKS), "configs/x.yaml:1:7: name: got 'my run', expected a name of letters, digits, '.', '_' or '-'"],
    ['a seed given as a string', yaml(NAME, "seed: '7'", DATA, MODELS, ...ATTACKS), "configs/x.yaml:2:7: seed: got '7', expected an integer"],
    ['a fractional seed', yaml(NAME, 'seed: 1.5', DATA, MODELS, ...ATTACKS), 'configs/x.yaml:2:7: seed: got 1.5, expected an integer'],
    ['a negative seed', yaml(NAME, 'seed: -1', DATA, MODELS, ...ATTACKS), 'configs/x.yaml:2:7: seed: got -1, expected an integer >= 0'],
    ['an unknown backend', yaml(NAME, 'backend: tensorflw', DATA, MODELS, ...ATTACKS), "configs/x.yaml:2:10: backend: got 'tensorflw', expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu (did you mean 'tensorflow'?)"],
    ['an unknown dataset', yaml(NAME, 'data: {dataset: mnst, samples: 20}', MODELS, ...ATTACKS), "configs/x.yaml:2:17: data.dataset: got 'mnst', expected one of mnist, fashion-mnist (did you mean 'mnist'?)"],
    ['an unknown split', yaml(NAME, 'data: {dataset: mnist, split: tset, samples: 20}', MODELS, ...ATTACKS), "configs/x.yaml:2:31: data.split: got 'tset', expected one of train, test (did you mean 'test'?)"],
    ['two sample selections at once', yaml(NAME, 'data: {dataset: mnist, samples: 20, indices: [1, 2]}', MODELS, ...ATTACKS), "configs/x.yaml:2:37: data.indices: 'samples' and 'indices' given together, expected exactly one of samples, indices, per_class"],
    ['no sample selection', yaml(NAME, 'data: {dataset: mnist, split: train}', MODELS, ...ATTACKS), 'configs/x.yaml:2:7: data: no samples chosen, expected exactly one of samples, indices, per_class'],
    ['an offset without samples', yaml(NAME, 'data: {dataset: mnist, indices: [4], offset: 3}', MODELS, ...ATTACKS), "configs/x.yaml:2:38: data.offset: given without 'samples', expected 'offset' only together with 'samples'"],
    ['a repeated index', yaml(NAME, 'data: {dataset: mnist, indices: [4, 9, 4]}', MODELS, ...ATTACKS), 'configs/x.yaml:2:40: data.indices[2]: got 4 again, expected each index once'],
    ['a bad entry in a data list', yaml(NAME, 'data:', '  - {dataset: mnist, samples: 20}', '  - {dataset: fashion-mnist, per_class: 0}', MODELS, ...ATTACKS), 'configs/x.yaml:4:41: data[1].per_class: got 0, expected an integer >= 1'],
    ['an empty data list', yaml(NAME, 'data: []', MODELS, ...ATTACKS), 'configs/x.yaml:2:7: data: got an empty list, expected a non-empty list'],
    ['data that is neither a mapping nor a list', yaml(NAME, 'data: mnist', MODELS, ...ATTACKS), "configs/x.yaml:2:7: data: got 'mnist', expected a data selection {dataset, split, samples | indices | per_class} or a list of them"],
    ['an unknown zoo model', yaml(NAME, DATA, 'models: [mnist-mlp-60-30, mnist-lenet9]', ...ATTACKS), "configs/x.yaml:3:27: models[1]: got 'mnist-lenet9', expected a zoo model name or {path: <model.json>} (did you mean 'mnist-lenet1'?)"],
    ['a zoo model with nothing close', yaml(NAME, DATA, 'models: [resnet50]', ...ATTACKS), "configs/x.yaml:3:10: models[0]: got 'resnet50', expected a zoo model name or {path: <model.json>} (zoo: mnist-mlp-60-30, mnist-lenet1, mnist-lenet4, mnist-lenet5)"],
    ['a model that is a number', yaml(NAME, DATA, 'models: [5]', ...ATTACKS), 'configs/x.yaml:3:10: models[0]: got 5, expected a zoo model name or {path: <model.json>}'],
    ['a misspelt model path key', yaml(NAME, DATA, 'models: [{pth: ./m/model.json}]', ...ATTACKS), "configs/x.yaml:3:11: models[0].pth: unknown key (did you mean 'path'?)"],
    ['an empty models list', yaml(NAME, DATA, 'models: []', ...ATTACKS), 'configs/x.yaml:3:9: models: got an empty list, expected a non-empty list'],
    ['an empty attacks list', yaml(NAME, DATA, MODELS, 'attacks: []'), 'configs/x.yaml:4:10: attacks: got an empty list, expected a non-empty list'],
    ['an attack without id, at its mapping', yaml(NAME, DATA, MODELS, 'attacks:', '  - params: {epsilon: 0.2}'), 'configs/x.yaml:5:5: attacks[0].id: missing, expected a registered attack id'],
    ['an unknown attack id', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: fgsn}'), "configs/x.yaml:5:10: attacks[0].id: got 'fgsn', expected a registered attack id (did you mean 'fgsm'?)"],
    ['an attack id with nothing close', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: carlini-wagner}'), "configs/x.yaml:5:10: attacks[0].id: got 'carlini-wagner', expected a registered attack id (registered: fgsm, pgd, deepxplore)"],
    ['an out-of-range param', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: fgsm}', '  - id: fgsm', '    params: {epsilon: -0.1}'), 'configs/x.yaml:7:23: attacks[1].params.epsilon: got -0.1, expected a number >= 0'],
    ['a fractional integer param', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: pgd, params: {steps: 2.5}}'), 'configs/x.yaml:5:31: attacks[0].params.steps: got 2.5, expected an integer'],
    ['an integer param below its minimum', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: pgd, params: {steps: 0}}'), 'configs/x.yaml:5:31: attacks[0].params.steps: got 0, expected an integer >= 1'],
    ['an unknown option in params', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: deepxplore, models: [mnist-lenet1], params: {strategy: topK}}'), "configs/x.yaml:5:65: attacks[0].params.strategy: got 'topK', expected one of random, topk (did you mean 'topk'?)"],
    ['params that are not a mapping', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: fgsm, params: 0.1}'), 'configs/x.yaml:5:24: attacks[0].params: got 0.1, expected a mapping'],
    ['extra models for a one-model attack', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: fgsm, models: [mnist-lenet1]}'), "configs/x.yaml:5:16: attacks[0].models: got extra models, expected none: 'fgsm' attacks one model at a time"],
    ['an attack repeated once defaults are filled', yaml(NAME, DATA, MODELS, 'attacks:', '  - {id: fgsm}', '  - {id: pgd}', '  - {id: fgsm, params: {epsilon: 0.1}}'), 'configs/x.yaml:7:5: attacks[2]: same id and params as attacks[0], expected each attack once'],
    ['a zero time limit', yaml(NAME, DATA, MODELS, ...ATTACKS, 'limits: {sample_timeout_s: 0}'), 'configs/x.yaml:6:28: limits.sample_timeout_s: got 0, expected a number > 0'],
    ['several errors: only the first by position', yaml(NAME, DATA, 'models: [mnist-lenet9]', 'attacks:', '  - {id: fgsm, params: {epsilon: -1}}', 'seed: -3'), "configs/x.yaml:3:10: models[0]: got 'mnist-lenet9', expected a zoo model name or {path: <model.json>} (did you mean 'mnist-lenet1'?)"],
  ])('%s', (_, source, message) => {
    expect(rejection(source)).toBe(message);
  });
});

describe('plugin schemas of any shape', () => {
  // a refine over the whole params, nested options, and the wrappers plugins tend to add
  const windowed = fakePlugin(
    'windowed',
    z
      .object({ low: z.number().max(1).default(0), high: z.number().max(1).default(1), search: z.object({ rounds: z.int().default(3) }).prefault({}) })
      .refine((p) => p.low < p.high, 'low below high')
      .prefault({}),
  );
  const withWindowed: ConfigEnv = { ...env, plugins: new Map([['windowed', windowed]]) };
  const config = (params: string) => yaml(NAME, DATA, MODELS, 'attacks:', `  - {id: windowed, params: ${params}}`);

  test('a check across the params yields to a problem inside them', () => {
    expect(rejection(config('{low: 0.5, high: 2}'), withWindowed)).toBe('configs/x.yaml:5:45: attacks[0].params.high: got 2, expected a number <= 1');
  });

  test('a check across the params is reported at them', () => {
    expect(rejection(config('{low: 0.5, high: 0.2}'), withWindowed)).toBe('configs/x.yaml:5:28: attacks[0].params: got a mapping, expected low below high');
  });

  test('unknown keys are found in nested params', () => {
    expect(rejection(config('{search: {round: 5}}'), withWindowed)).toBe("configs/x.yaml:5:38: attacks[0].params.search.round: unknown key (did you mean 'rounds'?)");
  });
});

test('loadExperimentFile: a missing file is a user error', () => {
  expect(() => loadExperimentFile('configs/no-such.yaml', env)).toThrow(
    new UserError('configs/no-such.yaml: no such file, expected a readable YAML experiment file'),
  );
});
