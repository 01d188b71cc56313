// minimal-lp on networks whose answers are known: hand-solved ones, and small seeded ones where the
// region search (the paper's method) and the whole-network MILP are independent ways to the minimum.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { minimalLp } from '../../attacks/minimal-lp/index.js';
import type { BoundClaim, ModelHandle, SampleOutcome } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';
import { linearModel } from '../helpers/linear-model.js';
import { runPlugin, type LabelledSample } from '../conformance/run-plugin.js';
import { denseNet, labelledSamples, randomNet } from './small-nets.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function attack(model: ModelHandle, samples: readonly LabelledSample[], params: Record<string, unknown>, signal?: AbortSignal): Promise<SampleOutcome[]> {
  const outcomes = await runPlugin({ plugin: minimalLp, model, samples, params: minimalLp.params.parse(params), signal });
  return samples.map((s) => outcomes.find((o) => o.index === s.index) as SampleOutcome);
}

const minL1 = (o: SampleOutcome): number | null => (o.details?.min_l1 as number | null | undefined) ?? null;

/**
 * Every claimed adversarial, further examples included, passes the harness's own check (float32
 * re-prediction, box, threat) and respects the plugin's bounds. Returns how many outcomes' own were valid.
 */
async function expectAllValid(model: ModelHandle, samples: readonly LabelledSample[], outcomes: readonly SampleOutcome[], params: Record<string, unknown>): Promise<number> {
  const threat = minimalLp.threat(minimalLp.params.parse(params));
  let count = 0;
  for (const [n, o] of outcomes.entries()) {
    if (o.status !== 'adversarial') {
      expect(o.examples).toBeUndefined();
      continue;
    }
    const claimed = [{ adversarial: o.adversarial, target: o.target }, ...(o.examples ?? [])];
    const verdicts = await validateClaims(model, claimed.map((c) => ({ original: samples[n].x, adversarial: c.adversarial, label: samples[n].label, target: c.target })), threat);
    for (const verdict of verdicts) {
      expect(verdict).toMatchObject({ valid: true });
      if (!verdict.valid) continue;
      for (const claim of (o.claims ?? []) as BoundClaim[]) {
        if (claim.target === undefined || claim.target === verdict.prediction) expect(verdict.distances.l1).toBeGreaterThanOrEqual(claim.value);
      }
    }
    if (verdicts[0].valid) count++;
  }
  return count;
}

describe('known answers', () => {
  // z1 − z0 = x0 − 3·x1 + 2·x2 − 2.5 is −0.8 at (0.5, 0.2, 0.9): lowering x1 to 0 gains 0.6 for 0.2 of L1,
  // then raising x2 to 1 gains 0.2 for 0.1; no cheaper way, so the minimal L1 is 0.3
  const linear = linearModel({ weights: [[0, 0, 0], [1, -3, 2]], bias: [0, -2.5] });
  const sample = { index: 0, x: Float32Array.of(0.5, 0.2, 0.9), label: 0 };

  it.each(['regions', 'local', 'milp'])('a linear classifier: %s finds L1 = 0.3', async (mode) => {
    const [o] = await attack(linear, [sample], { mode, epsilon: 1 });
    expect(o.status).toBe('adversarial');
    expect(minL1(o)).toBeCloseTo(0.3, 7);
    expect(await expectAllValid(linear, [sample], [o], { mode, epsilon: 1 })).toBe(1);
    const claim = o.claims?.[0];
    expect(claim?.value).toBeCloseTo(0.3, 5);
    expect(claim?.condition === undefined).toBe(mode !== 'local');
  });

  it('a linear classifier with ε below the minimum: robust within ε, claimed, no adversarial', async () => {
    const [o] = await attack(linear, [sample], { epsilon: 0.25 });
    expect(o).toMatchObject({ status: 'robust', region: 'L1 ≤ 0.25', details: { complete: true, min_l1: null } });
    expect(o.claims).toEqual([{ kind: 'lower_bound', norm: 'l1', value: expect.closeTo(0.25, 5), strict: false }]);
  });

  // h = ReLU(x − 0.5) per input, z0 = 0.05, z1 = h0 + h1. At (0.4, 0.3) both units are off, so x's own
  // region never reaches class 1; the cheapest switch raises x0 to 0.55: L1 = 0.15.
  const switching = denseNet('two-switches', [
    { weights: [[1, 0], [0, 1]], bias: [-0.5, -0.5], relu: true },
    { weights: [[0, 0], [1, 1]], bias: [0.05, 0], relu: false },
  ]);
  const off = { index: 3, x: Float32Array.of(0.4, 0.3), label: 0 };

  it('a ReLU net whose minimum lies in another region: regions and milp find 0.15, local finds nothing', async () => {
    const [regions] = await attack(switching, [off], { mode: 'regions', epsilon: 0.5 });
    const [milp] = await attack(switching, [off], { mode: 'milp', epsilon: 0.5 });
    const [local] = await attack(switching, [off], { mode: 'local', epsilon: 0.5 });
    expect(minL1(regions)).toBeCloseTo(0.15, 7);
    expect(minL1(milp)).toBeCloseTo(0.15, 7);
    expect(regions.details).toMatchObject({ complete: true, min_l1_exact: true, local_l1: null });
    expect(local.status).toBe('not_found');
    expect(await expectAllValid(switching, [off, off], [regions, milp], { epsilon: 0.5 })).toBe(2);
    const adversarial = (regions as { adversarial: Float32Array }).adversarial;
    expect(adversarial[0]).toBeGreaterThan(0.55);
    expect(adversarial[1]).toBeCloseTo(0.3, 6);
  });

  it('the same net with ε = 0.1: robust, and the MILP agrees', async () => {
    for (const mode of ['regions', 'milp']) {
      const [o] = await attack(switching, [off], { mode, epsilon: 0.1 });
      expect(o).toMatchObject({ status: 'robust', region: 'L1 ≤ 0.1' });
    }
  });
});

describe('regions against the MILP on seeded random networks', () => {
  it('the same minimum wherever both complete, regions ≤ local, every adversarial valid', async () => {
    const model = randomNet('agree', [16, 10, 8, 4]);
    const samples = await labelledSamples(model, 'agree', 14);
    const params = { epsilon: 1 };
    const regions = await attack(model, samples, { ...params, mode: 'regions' });
    const milp = await attack(model, samples, { ...params, mode: 'milp' });
    const local = await attack(model, samples, { ...params, mode: 'local' });
    let compared = 0;
    let beyondLocal = 0;
    let robust = 0;
    for (let n = 0; n < samples.length; n++) {
      expect(regions[n].details?.complete).toBe(true);
      expect(milp[n].details?.complete).toBe(true);
      expect(regions[n].status).toBe(milp[n].status);
      const a = minL1(regions[n]);
      const b = minL1(milp[n]);
      if (a === null || b === null) {
        expect(a).toBe(b);
        robust++;
      } else {
        expect(Math.abs(a - b)).toBeLessThan(1e-6);
        compared++;
      }
      const l = minL1(local[n]);
      if (a !== null && (l === null || a < l - 1e-6)) beyondLocal++;
      if (l !== null) expect(a).not.toBeNull();
      if (l !== null && a !== null) expect(a).toBeLessThanOrEqual(l + 1e-9);
    }
    // the comparison must exercise all three situations
    expect(compared).toBeGreaterThan(3);
    expect(beyondLocal).toBeGreaterThan(0);
    expect(robust).toBeGreaterThan(0);
    for (const outcomes of [regions, milp, local]) await expectAllValid(model, samples, outcomes, params);
  });

  it("each target: one minimum per class, equal to the MILP's, with a claim per class", async () => {
    const model = randomNet('each', [12, 8, 6, 4]);
    const samples = (await labelledSamples(model, 'each', 6)).slice(0, 4);
    const params = { epsilon: 2, target: 'each' };
    const regions = await attack(model, samples, { ...params, mode: 'regions' });
    const milp = await attack(model, samples, { ...params, mode: 'milp' });
    for (let n = 0; n < samples.length; n++) {
      const per = (o: SampleOutcome) => o.details?.targets as { target: number; min_l1: number | null; exact: boolean }[];
      expect(per(regions[n]).map((t) => t.target)).toEqual([0, 1, 2, 3].filter((t) => t !== samples[n].label));
      per(regions[n]).forEach((t, k) => {
        const other = per(milp[n])[k].min_l1;
        if (t.min_l1 === null || other === null) expect(t.min_l1).toBe(other);
        else expect(Math.abs(t.min_l1 - other)).toBeLessThan(1e-6);
      });
      expect(regions[n].claims?.filter((c) => c.target !== undefined)).toHaveLength(3);
      if (regions[n].status === 'adversarial') expect((regions[n] as { target?: number }).target).toBeDefined();
    }
    await expectAllValid(model, samples, regions, params);
  });

  it('one given target: its minimum, a claim for it, and not_found where it is the label', async () => {
    const model = randomNet('each', [12, 8, 6, 4]);
    const samples = await labelledSamples(model, 'each', 6);
    const outcomes = await attack(model, samples, { epsilon: 2, target: 1 });
    for (const [n, o] of outcomes.entries()) {
      if (samples[n].label === 1) {
        expect(o).toMatchObject({ status: 'not_found', details: { reason: 'the target 1 is the label' } });
      } else {
        expect(o.claims?.every((c) => c.target === 1)).toBe(true);
        if (o.status === 'adversarial') expect((o as { target?: number }).target).toBe(1);
      }
    }
    await expectAllValid(model, samples, outcomes, { epsilon: 2 });
  });

  it('glpk gives the same minima as highs', async () => {
    const model = randomNet('agree', [16, 10, 8, 4]);
    const samples = (await labelledSamples(model, 'agree', 14)).slice(0, 3);
    const highs = await attack(model, samples, { epsilon: 1.5 });
    const glpk = await attack(model, samples, { epsilon: 1.5, solver: 'glpk' });
    highs.forEach((o, n) => {
      const a = minL1(o);
      const b = minL1(glpk[n]);
      if (a === null || b === null) expect(a).toBe(b);
      else expect(Math.abs(a - b)).toBeLessThan(1e-6);
    });
  });
});

describe('caps and interruptions', () => {
  it('a search stopped by the region cap is incomplete: never robust, and claims nothing', async () => {
    const model = randomNet('agree', [16, 10, 8, 4]);
    const samples = await labelledSamples(model, 'agree', 14);
    const capped = await attack(model, samples, { epsilon: 1.5, max_regions: 4 });
    expect(capped.some((o) => o.details?.stopped === 'region cap')).toBe(true);
    for (const o of capped) {
      if (o.details?.complete === true) continue;
      expect(o.status).not.toBe('robust');
      expect(o.claims).toEqual([]);
    }
    await expectAllValid(model, samples, capped, { epsilon: 1.5 });
  });

  it('an aborted search reports a timeout', async () => {
    const model = randomNet('agree', [16, 10, 8, 4]);
    const samples = await labelledSamples(model, 'agree', 3);
    const controller = new AbortController();
    controller.abort();
    const outcomes = await attack(model, samples, {}, controller.signal);
    expect(outcomes.map((o) => o.status)).toEqual(['timeout', 'timeout', 'timeout']);
  });
});
