// Goldberger et al.'s example as AIGENT's Fig. 3/4 gives it: input ⟨3, 4⟩, hidden ⟨0, 2⟩, outputs
// ⟨−2, 2⟩, φ := v31 ≥ v32 (by the margin κ). Only the hidden neuron at 2 can carry a change, and
// v31 − v32 = −4 + 2·(ε from v22 to v31) − 2·(ε from v22 to v32), so the least L∞ patch is
// M = (4 + κ)/4 on exactly those two weights (+M and −M): the edges from the hidden 0 stay unchanged.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { goldbergerPatch } from '../../attacks/aigent/goldberger-patch.js';
import { aigent } from '../../attacks/aigent/index.js';
import { DEC, INC, incrementDecrementMarks } from '../../attacks/aigent/marks.js';
import { solvePatch } from '../../attacks/aigent/patch-lp.js';
import { adversarialProperty } from '../../attacks/aigent/property.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { forwardTrace } from '../../harness/piecewise/affine-view.js';
import { loadSolver } from '../../harness/solvers/load-solver.js';
import { SOLVER_ENGINES } from '../../harness/solvers/solver.js';
import type { SampleRecordView } from '../../harness/types.js';
import { runPlugin } from '../conformance/run-plugin.js';
import { goldbergerNet } from './networks.js';

const margin = 0.01;
const least = (4 + margin) / 4;

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('the Goldberger et al. example (Fig. 3/4)', () => {
  const net = goldbergerNet().piecewiseLinear();
  const x = [3, 4];
  const trace = forwardTrace(net, x);
  const property = adversarialProperty(0, 1, 2, false);

  it('has the values the paper gives', () => {
    expect(trace.post.map((layer) => Array.from(layer))).toEqual([[0, 2], [-2, 2]]);
  });

  it.each(SOLVER_ENGINES)('Goldberger’s LP finds the least L∞ patch, two weights at ±M (%s)', async (engine) => {
    const patch = goldbergerPatch(net, x, trace, property, margin, await loadSolver(engine), 10);
    expect(patch.lp.status).toBe('optimal');
    expect(patch.size?.linf).toBeCloseTo(least, 9);
    expect(patch.size?.weights_changed).toBe(2);
    expect(patch.size?.l1).toBeCloseTo(2 * least, 9);
  });

  it('marks v31 INC and v32 DEC, and AIGENT’s marked LP reaches the same M with the signs they fix', async () => {
    const marks = incrementDecrementMarks(net, property);
    expect(Array.from(marks[1])).toEqual([INC, DEC]);
    const patch = solvePatch(
      { net, input: x, trace, layer: 1, target: { kind: 'property', property, margin }, signs: marks[1], norm: 'linf', phaseMargin: 1e-4, keepPhases: true },
      await loadSolver('highs'),
      10,
    );
    expect(patch.size?.linf).toBeCloseTo(least, 9);
    expect(patch.change?.[0]).toBeCloseTo(2 * least, 9);
    expect(patch.change?.[1]).toBeCloseTo(-2 * least, 9);
  });

  it('goldberger mode reports both patches per sample and as leaderboard columns, and claims no input', async () => {
    const scaled = goldbergerNet(10);
    const params = aigent.params.parse({ mode: 'goldberger', margin });
    const [outcome] = await runPlugin({ plugin: aigent, model: scaled, samples: [{ index: 0, x: Float32Array.from([0.3, 0.4]), label: 1 }], params });
    expect(outcome.status).toBe('not_found');
    expect(outcome.details).toMatchObject({ target: 0, edge_layer: 2, goldberger: { patch: { weights_changed: 2 } }, aigent: { patch: { weights_changed: 2 } } });
    const record: SampleRecordView = {
      index: 0, label: 1, status: outcome.status, adversarial_prediction: null, target: null, distances: null, time_ms: 1,
      cost: { forward: 0, gradient: 0, solver_calls: 2 }, claims: [], details: outcome.details ?? {},
    };
    const columns = aigent.leaderboard([record], params);
    // 0.3 and 0.4 are not exact in float32, so the hidden value is 2 only to about 1e-7
    expect(columns.goldberger_linf_el2).toBeCloseTo(least, 6);
    expect(columns.aigent_linf_el2).toBeCloseTo(least, 6);
    expect(columns.goldberger_weights_el2).toBe(2);
  });
});
