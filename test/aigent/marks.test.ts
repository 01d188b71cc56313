// Increment/decrement marks: the paper's example, and the property every relaxation relies on —
// moving INC neurons up and DEC neurons down (MIXED fixed, FREE anywhere) never lowers φ.
import { describe, expect, it } from '@jest/globals';
import { DEC, FREE, INC, incrementDecrementMarks, MIXED } from '../../attacks/aigent/marks.js';
import { adversarialProperty, propertySlack } from '../../attacks/aigent/property.js';
import { runAbove } from '../../attacks/aigent/upper-network.js';
import { forwardTrace, type PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { SparseRows } from '../../harness/piecewise/sparse-rows.js';
import { createRng } from '../../harness/rng.js';

function net(sizes: number[], seed: number, positive: number): PiecewiseLinearNet {
  const rng = createRng('marks-test', seed);
  return {
    name: `marks-${seed}`,
    inputShape: [sizes[0]],
    inputSize: sizes[0],
    layers: sizes.slice(1).map((size, k) => {
      // weights positive with probability `positive`, so marks survive a few layers down
      const dense = Array.from({ length: size * sizes[k] }, () => (rng.next() < positive ? 1 : -1) * (0.2 + rng.next()));
      return {
        name: `l${k}`,
        weights: SparseRows.fromDense(size, sizes[k], dense),
        bias: Float64Array.from({ length: size }, () => rng.normal() * 0.3),
        relu: k < sizes.length - 2,
        outputShape: [size],
      };
    }),
  };
}

describe('increment/decrement marks', () => {
  it('mark the paper’s Fig. 1 network as its text reasons: x3 DEC, x4 INC, both first-layer neurons MIXED', () => {
    const toy: PiecewiseLinearNet = {
      name: 'fig1',
      inputShape: [2],
      inputSize: 2,
      layers: [
        { name: 'l1', weights: SparseRows.fromDense(2, 2, [1, 1, -1, 2]), bias: new Float64Array(2), relu: true, outputShape: [2] },
        { name: 'l2', weights: SparseRows.fromDense(2, 2, [2, 3, 1, 1]), bias: new Float64Array(2), relu: true, outputShape: [2] },
        { name: 'l3', weights: SparseRows.fromDense(2, 2, [2, -8, -4, 5]), bias: new Float64Array(2), relu: false, outputShape: [2] },
      ],
    };
    const marks = incrementDecrementMarks(toy, adversarialProperty(1, 0, 2, false));
    expect(marks.map((layer) => Array.from(layer))).toEqual([[MIXED, MIXED], [DEC, INC], [DEC, INC]]);
  });

  it('leave the classes φ does not read FREE, and mark every other class DEC for a given target', () => {
    const n = net([4, 5, 4], 1, 0.5);
    expect(Array.from(incrementDecrementMarks(n, adversarialProperty(2, 0, 4, false))[1])).toEqual([DEC, FREE, INC, FREE]);
    expect(Array.from(incrementDecrementMarks(n, adversarialProperty(2, 0, 4, true))[1])).toEqual([DEC, DEC, INC, DEC]);
  });

  it('never lower φ when a layer moves the way its marks allow', () => {
    const rng = createRng('marks-moves', 0);
    let marked = 0;
    for (let seed = 0; seed < 12; seed++) {
      const n = net([5, 4, 4, 4, 3], seed, 0.8);
      const targeted = seed % 2 === 0;
      const property = adversarialProperty(seed % 3, (seed + 1) % 3, 3, targeted);
      const marks = incrementDecrementMarks(n, property);
      for (let trial = 0; trial < 20; trial++) {
        const trace = forwardTrace(n, Array.from({ length: 5 }, () => rng.next()));
        for (let layer = 0; layer < n.layers.length - 1; layer++) {
          const before = propertySlack(property, runAbove(n, layer, trace.post[layer]).logits);
          const moved = trace.post[layer].map((v, j) => {
            const step = 2 * rng.next();
            if (marks[layer][j] === INC) return v + step;
            if (marks[layer][j] === DEC) return Math.max(0, v - step);
            return marks[layer][j] === FREE ? 3 * rng.next() : v;
          });
          if (layer < n.layers.length - 2) marked += marks[layer].filter((m) => m === INC || m === DEC).length;
          expect(propertySlack(property, runAbove(n, layer, moved).logits)).toBeGreaterThanOrEqual(before - 1e-9);
        }
      }
    }
    // marks below the last hidden layer were exercised, not just the exact ones above it
    expect(marked).toBeGreaterThan(40);
  });
});
