import { describe, expect, it } from '@jest/globals';
import { UserError } from '../../harness/errors.js';
import { parseManifest } from '../../harness/zoo/manifest.js';

const VALID = {
  name: 'm',
  description: 'd',
  architecture: [{ name: 'logits', className: 'Dense', activation: 'linear', outputShape: [10], params: 7850 }],
  dataset: 'mnist',
  seed: 1,
  epochs: 2,
  batch_size: 64,
  optimizer: { name: 'adam', learning_rate: 0.001 },
  test_accuracy: 0.91,
  history: [{ epoch: 1, loss: 0.3, train_accuracy: 0.9, seconds: 1.5 }],
  train_time_s: 3,
  backend: 'wasm',
  weights_sha256: { 'weights.bin': 'a'.repeat(64) },
  created: '2024-05-01T12:00:00.000Z',
};

describe('parseManifest', () => {
  it('accepts a complete manifest', () => {
    expect(parseManifest(JSON.stringify(VALID), 'manifest.json')).toEqual(VALID);
  });

  it('names the first bad field', () => {
    expect(() => parseManifest(JSON.stringify({ ...VALID, test_accuracy: 1.5 }), 'x/manifest.json')).toThrow(UserError);
    expect(() => parseManifest(JSON.stringify({ ...VALID, test_accuracy: 1.5 }), 'x/manifest.json')).toThrow(/^x\/manifest\.json: test_accuracy: /);
    expect(() => parseManifest(JSON.stringify({ ...VALID, weights_sha256: { 'weights.bin': 'nope' } }), 'f')).toThrow(/^f: weights_sha256\.weights\.bin: /);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseManifest('{', 'f')).toThrow(/^f is not valid JSON: /);
  });
});
