// The coverage-guided generators name their criterion `coverage` (as issue #8 writes it), so one
// config compares them; a config still using the old name `criterion` fails with the loader's
// one-line error that names the key to use.
import { describe, expect, it } from '@jest/globals';
import { plugins } from '../../attacks/registry.js';
import { parseExperiment } from '../../harness/config/load.js';
import { CRITERIA } from '../../metrics/coverage/criterion.js';

const GENERATORS = ['deepxplore', 'dlfuzz'] as const;
const env = { plugins, modelNames: ['mnist-lenet1', 'mnist-lenet4', 'mnist-lenet5'] };

function config(id: string, params: string): string {
  const models = id === 'deepxplore' ? ', models: [mnist-lenet4, mnist-lenet5]' : '';
  return ['name: x', 'data: {dataset: mnist, samples: 5}', 'models: [mnist-lenet1]', 'attacks:', `  - {id: ${id}, params: {${params}}${models}}`, ''].join('\n');
}

describe('the coverage param', () => {
  it.each(GENERATORS)('%s defaults to nc and takes every criterion', (id) => {
    const plugin = plugins.get(id);
    expect(plugin?.params.parse({})).toMatchObject({ coverage: 'nc' });
    for (const name of CRITERIA) {
      expect(parseExperiment(config(id, `coverage: ${name}`), 'x.yaml', env).attacks[0].params).toMatchObject({ coverage: name });
    }
  });

  it.each(GENERATORS)('%s refuses the old name criterion with one line naming coverage', (id) => {
    let message = '';
    try {
      parseExperiment(config(id, 'criterion: kmnc'), 'x.yaml', env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^x\.yaml:5:\d+: attacks\[0\]\.params\.criterion: unknown key, expected one of coverage, /);
    expect(message).not.toContain('\n');
  });
});
