// The bounds behind GetSwitchingNodes must hold for every point of the ball: checked against the
// LP optimum (the knapsack), against points sampled in the ball, and inside subtrees of a pattern.
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { ACTIVE, FREE, freePattern, INACTIVE, patternOf } from '../../attacks/minimal-lp/activation-pattern.js';
import { ballBounds, patternBounds, type Interval } from '../../attacks/minimal-lp/ball-bounds.js';
import { rangeOverBall } from '../../attacks/minimal-lp/l1-ball.js';
import { forwardTrace } from '../../harness/piecewise/affine-view.js';
import { createRng } from '../../harness/rng.js';
import { LinearProgramBuilder } from '../../harness/solvers/linear-program.js';
import { loadSolver } from '../../harness/solvers/load-solver.js';
import type { Rng } from '../../harness/types.js';
import { randomNet } from './small-nets.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A point of the ball ∩ box: a random sparse move of L1 up to `radius`, clipped into the box (clipping only shortens it). */
function pointInBall(rng: Rng, x0: Float32Array, radius: number): Float64Array {
  const x = Float64Array.from(x0);
  const moved = 1 + rng.int(4);
  let left = radius * rng.next() ** 0.3;
  for (let k = 0; k < moved && left > 0; k++) {
    const i = rng.int(x.length);
    const step = k === moved - 1 ? left : left * rng.next();
    x[i] = Math.min(1, Math.max(0, x[i] + (rng.next() < 0.5 ? -step : step)));
    left -= step;
  }
  return x;
}

function within(value: number, interval: Interval, unit: number): boolean {
  return value >= interval.lower[unit] - 1e-9 && value <= interval.upper[unit] + 1e-9;
}

describe('rangeOverBall', () => {
  it('equals the LP optimum of g·Δ over the L1 ball ∩ box', async () => {
    const rng = createRng('l1-ball-knapsack');
    const solver = await loadSolver('highs');
    for (let trial = 0; trial < 20; trial++) {
      const n = 3 + rng.int(20);
      const g = Array.from({ length: n }, () => (rng.next() < 0.2 ? 0 : rng.normal()));
      const x0 = Array.from({ length: n }, () => (rng.next() < 0.3 ? Math.round(rng.next()) : rng.next()));
      const radius = 3 * rng.next();
      // Δ = Δ⁺ − Δ⁻, each bounded by the pixel's room, ΣΔ⁺ + ΣΔ⁻ ≤ radius
      const lp = (sign: 1 | -1): number => {
        const b = new LinearProgramBuilder('maximize');
        for (let i = 0; i < n; i++) b.addVariable({ upper: 1 - x0[i], cost: sign * g[i] });
        for (let i = 0; i < n; i++) b.addVariable({ upper: x0[i], cost: -sign * g[i] });
        b.addConstraint(Array.from({ length: 2 * n }, (_, i) => i), new Array<number>(2 * n).fill(1), '<=', radius);
        return solver.solve(b.build()).objective as number;
      };
      const { down, up } = rangeOverBall(g, x0, radius);
      expect(up).toBeCloseTo(lp(1), 7);
      expect(down).toBeCloseTo(-lp(-1), 7);
    }
  });
});

describe('ballBounds', () => {
  it('hold for every sampled point of the ball, and are attained on the first layer', async () => {
    const model = randomNet('bounds', [12, 8, 8, 6, 3]);
    const net = model.piecewiseLinear();
    const rng = createRng('ball-bounds-points');
    for (let trial = 0; trial < 5; trial++) {
      const x0 = Float32Array.from({ length: 12 }, () => rng.next());
      const radius = 0.5 + 2 * rng.next();
      const bounds = ballBounds(net, x0, radius);
      let widest = 0;
      for (let k = 0; k < 400; k++) {
        const { pre } = forwardTrace(net, pointInBall(rng, x0, radius));
        pre.forEach((z, l) => z.forEach((v, u) => expect(within(v, bounds[l], u)).toBe(true)));
        widest = Math.max(widest, ...pre[0].map((v, u) => v - bounds[0].lower[u]));
      }
      // the first layer is exact: its upper bound is reached by the greedy point
      const g = net.layers[0].weights.denseRow(0);
      const z0 = forwardTrace(net, x0).pre[0][0];
      expect(bounds[0].upper[0]).toBeCloseTo(z0 + rangeOverBall(g, x0, radius).up, 6);
      expect(widest).toBeGreaterThan(0);
    }
  });

  it('inside a pattern hold for the points that follow it, and say so when none can', () => {
    const model = randomNet('pattern-bounds', [10, 7, 7, 3]);
    const net = model.piecewiseLinear();
    const rng = createRng('pattern-bounds-points');
    const x0 = Float32Array.from({ length: 10 }, () => rng.next());
    const radius = 2;
    const ball = ballBounds(net, x0, radius);
    const points = Array.from({ length: 600 }, () => pointInBall(rng, x0, radius));
    let checked = 0;
    for (let trial = 0; trial < 20; trial++) {
      const pattern = freePattern(net);
      for (let k = 0; k < 4; k++) pattern[rng.int(2)][rng.int(7)] = rng.next() < 0.5 ? ACTIVE : INACTIVE;
      const bounds = patternBounds(net, ball, pattern, x0, radius);
      for (const x of points) {
        const { pre } = forwardTrace(net, x);
        const own = patternOf(pre, net);
        if (!pattern.every((phases, l) => phases.every((phase, u) => phase === FREE || phase === own[l][u]))) continue;
        expect(bounds).not.toBeNull();
        checked++;
        pre.forEach((z, l) => z.forEach((v, u) => expect(within(v, (bounds as Interval[])[l], u)).toBe(true)));
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
