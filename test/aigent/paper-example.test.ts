// The AIGENT paper's worked example (Fig. 1, eqs. 1–11) with answers worked out by hand for the LPs
// gauntlet states. With the paper's `marks` φ′ and margin κ:
// - patch el2 (L∞): φ is −6·z3 + 13·z4 ≥ κ with z3 = 3.5 + Δ3 (DEC, Δ3 ≤ 0) and z4 = 1.5 + Δ4 (INC);
//   min max|Δ| is t = (1.5 + κ)/19 at Δ = (−t, t), a weight change of t / ‖h‖₁ = t / 1.5;
// - φ′ at layer 2 is z3 ≤ 3.5 − t, z4 ≥ 1.5 + t; patch el1: 2Δ1 + 3Δ2 ≤ −t and Δ1 + Δ2 ≥ t force
//   Δ1 ≥ 4t, so the optimum is Δ = (4t, −3t), a weight change of 4t / ‖x‖₁ = 4t;
// - both hidden neurons are MIXED, so mod2adv must meet i1 + i2 = 1 + 4t and −i1 + 2·i2 = 0.5 − 3t:
//   δ = (11t/3, t/3), two pixels.
// With the L1 patch the same steps give s = (1.5 + κ)/13, Δ = (3s, −2s) at el1 and δ = (8s/3, s/3).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { aigent } from '../../attacks/aigent/index.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { forwardTrace } from '../../harness/piecewise/affine-view.js';
import type { SampleOutcome } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';
import { runPlugin } from '../conformance/run-plugin.js';
import { paperToyNet } from './networks.js';

const x = Float32Array.from([0.5, 0.5]);
const margin = 0.01;

beforeAll(async () => {
  await selectBackend('cpu');
});

async function attack(params: Record<string, unknown>): Promise<SampleOutcome> {
  const [outcome] = await runPlugin({ plugin: aigent, model: paperToyNet(), samples: [{ index: 0, x, label: 0 }], params: aigent.params.parse(params) });
  return outcome;
}

interface Stage {
  edge_layer: number;
  accepted: boolean;
  patch: { linf: number; weights_changed: number } | null;
}

function acceptedStages(outcome: SampleOutcome): Stage[] {
  const attempts = outcome.details?.attempts as { stages: Stage[] }[];
  return attempts[0].stages.filter((s) => s.accepted);
}

describe('AIGENT on the paper’s Fig. 1 network', () => {
  it('computes the values the paper gives, and its adversarial ⟨1/12, 1/24⟩ passes the harness at δ = 0.5', async () => {
    const model = paperToyNet();
    const { post } = forwardTrace(model.piecewiseLinear(), x);
    expect(post.map((layer) => Array.from(layer))).toEqual([[1, 0.5], [3.5, 1.5], [-5, -6.5]]);
    expect(Array.from(await model.predict(x))).toEqual([-5, -6.5]);
    const paper = Float32Array.from([1 / 12, 1 / 24]);
    const [verdict] = await validateClaims(model, [{ original: x, adversarial: paper, label: 0 }], { norm: 'linf', budget: 0.5 });
    expect(verdict).toMatchObject({ valid: true, prediction: 1 });
  });

  it('with the paper’s φ′ and an L∞ patch, finds the hand-derived patches and input', async () => {
    const outcome = await attack({ delta: 0.5, relaxation: 'marks', overshoot: 0, patch_norm: 'linf', margin });
    const t = (1.5 + margin) / 19;
    expect(outcome.status).toBe('adversarial');
    if (outcome.status !== 'adversarial') return;
    expect(outcome.adversarial[0]).toBeCloseTo(0.5 + (11 * t) / 3, 6);
    expect(outcome.adversarial[1]).toBeCloseTo(0.5 + t / 3, 6);
    const [el2, el1] = acceptedStages(outcome);
    expect(el2.edge_layer).toBe(2);
    expect(el2.patch?.linf).toBeCloseTo(t / 1.5, 9);
    expect(el1.edge_layer).toBe(1);
    expect(el1.patch?.linf).toBeCloseTo(4 * t, 9);
    expect(outcome.details?.pixels_changed).toBe(2);
  });

  it('with the paper’s φ′ and an L1 patch, finds the hand-derived input', async () => {
    const outcome = await attack({ delta: 0.5, relaxation: 'marks', overshoot: 0, patch_norm: 'l1', margin });
    const s = (1.5 + margin) / 13;
    expect(outcome.status).toBe('adversarial');
    if (outcome.status !== 'adversarial') return;
    expect(outcome.adversarial[0]).toBeCloseTo(0.5 + (8 * s) / 3, 6);
    expect(outcome.adversarial[1]).toBeCloseTo(0.5 + s / 3, 6);
    // the whole el2 change goes on the one weight from the larger input: Δ4 = s, weight change s / 1
    expect(acceptedStages(outcome)[0].patch).toMatchObject({ weights_changed: 1 });
  });

  it('with the default linearised φ′, finds a one-pixel adversarial (x itself is not one, so one is the least) that validates', async () => {
    const outcome = await attack({ delta: 0.5 });
    expect(outcome.status).toBe('adversarial');
    if (outcome.status !== 'adversarial') return;
    expect(outcome.details?.pixels_changed).toBe(1);
    const [verdict] = await validateClaims(paperToyNet(), [{ original: x, adversarial: outcome.adversarial, label: 0 }], aigent.threat(aigent.params.parse({ delta: 0.5 })));
    expect(verdict).toMatchObject({ valid: true, distances: { l0: 1 } });
  });

  it('finds nothing at δ = 0.05, where none exists: φ = 6·i1 − 9·i2 there can rise by at most 0.75 from −1.5', async () => {
    const outcome = await attack({ delta: 0.05 });
    expect(outcome.status).toBe('not_found');
    expect(outcome.details?.reason).toMatch(/mod2adv .*δ = 0\.05/);
  });
});
