// Every LP and MILP AIGENT states in a run — patches, Goldberger's baseline, mod2adv both ways — is
// recorded, then solved again by HiGHS and by GLPK: the two must agree on the status and the optimum.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { attackSample } from '../../attacks/aigent/attack-sample.js';
import { comparePatches } from '../../attacks/aigent/compare-patches.js';
import { aigent } from '../../attacks/aigent/index.js';
import type { AigentParams } from '../../attacks/aigent/params.js';
import { selectBackend } from '../../harness/engine/backend.js';
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { createRng } from '../../harness/rng.js';
import type { LinearProgram } from '../../harness/solvers/linear-program.js';
import { loadSolver } from '../../harness/solvers/load-solver.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import { paperToyNet, randomInputs, randomNet } from './networks.js';

function recording(solver: LpSolver, programs: LinearProgram[]): LpSolver {
  return {
    engine: solver.engine,
    solve(program, options) {
      programs.push(program);
      return solver.solve(program, options);
    },
    open: (program) => solver.open(program),
  };
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('highs and glpk on AIGENT’s programs', () => {
  it('agree on the status and the optimum of every LP and MILP of a run', async () => {
    const programs: LinearProgram[] = [];
    const solver = recording(await loadSolver('highs'), programs);
    const signal = new AbortController().signal;
    const run = async (net: PiecewiseLinearNet, x: Float32Array, raw: Record<string, unknown>): Promise<void> => {
      const params = aigent.params.parse(raw) as AigentParams;
      const logits = net.layers.reduce<ArrayLike<number>>((values, layer, k) => {
        const z = layer.weights.multiply(values).map((v, j) => v + layer.bias[j]);
        return layer.relu && k < net.layers.length - 1 ? z.map((v) => Math.max(0, v)) : z;
      }, x);
      let prediction = 0;
      for (let k = 1; k < logits.length; k++) if (logits[k] > logits[prediction]) prediction = k;
      const sample = { index: 0, x, label: prediction, prediction, rng: createRng('solvers-agree', 0) };
      await (params.mode === 'patch' ? attackSample(net, sample, params, solver, signal) : comparePatches(net, sample, params, solver, signal));
    };
    await run(paperToyNet().piecewiseLinear(), Float32Array.from([0.5, 0.5]), { delta: 0.5 });
    await run(paperToyNet().piecewiseLinear(), Float32Array.from([0.5, 0.5]), { delta: 0.5, relaxation: 'marks', overshoot: 0 });
    for (const seed of [1, 2, 3]) {
      const net = randomNet(seed, [8, 6, 6, 6, 3]).piecewiseLinear();
      for (const x of randomInputs(seed, 3, 8)) {
        await run(net, x, { preset: 'high_defect' });
        await run(net, x, { patch_norm: 'l1', pixel_search: 'milp', delta: 0.9 });
        await run(net, x, { mode: 'goldberger' });
      }
    }
    expect(programs.length).toBeGreaterThan(80);
    expect(programs.filter((p) => p.integer.some((flag) => flag === 1)).length).toBeGreaterThan(3);

    const highs = await loadSolver('highs');
    const glpk = await loadSolver('glpk');
    const disagreements: string[] = [];
    programs.forEach((program, k) => {
      const a = highs.solve(program, { timeLimitS: 20 });
      const b = glpk.solve(program, { timeLimitS: 20 });
      const scale = Math.max(1, Math.abs(a.objective ?? 0));
      if (a.status !== b.status || (a.status === 'optimal' && Math.abs((a.objective as number) - (b.objective as number)) > 1e-6 * scale)) {
        disagreements.push(`program ${k} (${program.variables} columns, ${program.rows} rows): highs ${a.status} ${a.objective}, glpk ${b.status} ${b.objective}`);
      }
    });
    expect(disagreements).toEqual([]);
  });
});
