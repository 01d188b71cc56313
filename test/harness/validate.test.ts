import { describe, expect, it } from '@jest/globals';
import { validateClaims, type Claim } from '../../harness/validate.js';
import type { ThreatModel } from '../../harness/types.js';
import { linearModel } from '../helpers/linear-model.js';

// class 1 iff x0 + x1 > 1; the original (0.4, 0.4) is class 0
const model = linearModel({ weights: [[0, 0], [1, 1]], bias: [1, 0] });
const original = Float32Array.from([0.4, 0.4]);
const linf = (budget: number): ThreatModel => ({ norm: 'linf', budget });
const claim = (adversarial: number[], extra: Partial<Claim> = {}): Claim => ({
  original,
  adversarial: Float32Array.from(adversarial),
  label: 0,
  ...extra,
});

describe('validateClaims', () => {
  it('accepts a real adversarial and reports its prediction and distances', async () => {
    const [verdict] = await validateClaims(model, [claim([0.5, 0.6])], linf(0.2));
    expect(verdict.valid).toBe(true);
    expect(verdict.prediction).toBe(1);
    expect(verdict.distances?.linf).toBeCloseTo(0.2, 6);
    expect(verdict.distances?.l0).toBe(2);
  });

  it('rejects a forged claim of an unchanged image', async () => {
    const [verdict] = await validateClaims(model, [claim([0.4, 0.4])], linf(0.1));
    expect(verdict).toEqual({ valid: false, reason: 'model predicts 0, the true label', prediction: 0, distances: { l0: 0, l1: 0, l2: 0, linf: 0 } });
  });

  it('rejects a value outside [0, 1] exactly, naming the first offending element', async () => {
    const [over, under] = await validateClaims(model, [claim([0.4, 1.0000001]), claim([-1e-7, 1])], { norm: 'unbounded' });
    expect(over.valid).toBe(false);
    expect(over.valid === false && over.reason).toBe('adversarial value 1.0000001 at index 1 is outside [0, 1]');
    expect(over.prediction).toBe(1);
    expect(under.valid === false && under.reason).toBe('adversarial value -1e-7 at index 0 is outside [0, 1]');
  });

  it('accepts the box edges 0 and 1 themselves', async () => {
    const upper = linearModel({ weights: [[0, 0], [0, 1]], bias: [0.5, 0] });
    const [verdict] = await validateClaims(upper, [claim([0, 1])], { norm: 'unbounded' });
    expect(verdict).toMatchObject({ valid: true, prediction: 1 });
  });

  it('rejects NaN and infinite values without measuring them', async () => {
    const verdicts = await validateClaims(model, [claim([0.5, Number.NaN]), claim([Infinity, 0.5])], linf(1));
    expect(verdicts).toEqual([
      { valid: false, reason: 'adversarial value NaN at index 1 is not finite', prediction: null, distances: null },
      { valid: false, reason: 'adversarial value Infinity at index 0 is not finite', prediction: null, distances: null },
    ]);
  });

  it('rejects a perturbation larger than the declared budget, naming norm, value and budget', async () => {
    const [verdict] = await validateClaims(model, [claim([0.7, 0.7])], linf(0.1));
    expect(verdict.valid).toBe(false);
    expect(verdict.valid === false && verdict.reason).toBe('linf distance 0.2999999821 exceeds the budget 0.1');
    expect(verdict.prediction).toBe(1);
  });

  it('checks the norm the threat model names', async () => {
    // change (0.3, 0.3): l2 ≈ 0.424, l1 0.6, linf 0.3, l0 2
    const adversarial = [0.7, 0.7];
    const cases: [ThreatModel, boolean][] = [
      [{ norm: 'l2', budget: 0.43 }, true],
      [{ norm: 'l2', budget: 0.42 }, false],
      [{ norm: 'l1', budget: 0.6 }, true],
      [{ norm: 'l1', budget: 0.59 }, false],
      [{ norm: 'l0', budget: 2 }, true],
      [{ norm: 'l0', budget: 1 }, false],
    ];
    for (const [threat, valid] of cases) {
      const [verdict] = await validateClaims(model, [claim(adversarial)], threat);
      expect({ threat, valid: verdict.valid }).toEqual({ threat, valid });
    }
  });

  it('allows float32 rounding slack of 1e-6 on the budget, and no more', async () => {
    const within = Math.fround(0.4 + 0.1 + 5e-7);
    const beyond = Math.fround(0.4 + 0.1 + 5e-6);
    const [ok, bad] = await validateClaims(model, [claim([within, 0.7], { original: Float32Array.from([0.4, 0.6]) }), claim([beyond, 0.7], { original: Float32Array.from([0.4, 0.6]) })], linf(0.1));
    expect(ok.valid).toBe(true);
    expect(bad.valid).toBe(false);
  });

  it('rejects a targeted claim the model does not put in the target class', async () => {
    const three = linearModel({ weights: [[0, 0], [1, 0], [0, 1]], bias: [0.5, 0, 0] });
    const verdicts = await validateClaims(three, [claim([0.9, 0.1], { target: 2 }), claim([0.9, 0.1], { target: 1 })], { norm: 'unbounded' });
    expect(verdicts[0]).toMatchObject({ valid: false, reason: 'model predicts 1, not the claimed target 2', prediction: 1 });
    expect(verdicts[1]).toMatchObject({ valid: true, prediction: 1 });
  });

  it('rejects inputs of the wrong length', async () => {
    const [verdict] = await validateClaims(model, [claim([0.5, 0.5, 0.5])], linf(1));
    expect(verdict).toEqual({ valid: false, reason: 'adversarial has 3 values, the model takes 2', prediction: null, distances: null });
  });

  it('classifies all measurable claims in one batched call and keeps their order', async () => {
    const counted = linearModel({ weights: [[0, 0], [1, 1]], bias: [1, 0] });
    const verdicts = await validateClaims(
      counted,
      [claim([0.5, 0.6]), claim([Number.NaN, 0]), claim([0.4, 0.4]), claim([0.6, 0.5])],
      linf(0.2),
    );
    expect(counted.calls.classify).toEqual([3]);
    expect(verdicts.map((v) => v.valid)).toEqual([true, false, false, true]);
    expect(verdicts.map((v) => v.prediction)).toEqual([1, null, 0, 1]);
  });

  it('makes no model call when there is nothing to classify', async () => {
    const counted = linearModel({ weights: [[0, 0], [1, 1]], bias: [1, 0] });
    expect(await validateClaims(counted, [], linf(0.1))).toEqual([]);
    expect(counted.calls.classify).toEqual([]);
  });
});
