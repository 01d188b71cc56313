// The harness meters every query of a plugin: the model's own calls, and float64 forward traces
// through the model's piecewise-linear view, which count as forward passes like any other.
import { describe, expect, it } from '@jest/globals';
import { meteredModel, zeroCost } from '../../harness/metered-model.js';
import { forwardTrace } from '../../harness/piecewise/affine-view.js';
import { linearModel } from '../helpers/linear-model.js';

describe('meteredModel', () => {
  it('counts model calls in images and each forward trace of the piecewise-linear view as one forward pass', async () => {
    const model = linearModel({ weights: [[1, 0], [0, 1]], bias: [0, 0.5] });
    const counters = zeroCost();
    const metered = meteredModel(model, counters);
    await metered.predict(Float32Array.of(1, 2, 3, 4, 5, 6));
    expect(counters).toEqual({ forward: 3, gradient: 0, solver_calls: 0 });
    const view = metered.piecewiseLinear();
    // the same view on every call, so plugins may cache by it
    expect(metered.piecewiseLinear()).toBe(view);
    const { post } = forwardTrace(view, [1, 0]);
    expect(Array.from(post[0])).toEqual([1, 0.5]);
    forwardTrace(view, [0, 1]);
    expect(counters.forward).toBe(5);
    // the unmetered view counts nothing
    forwardTrace(model.piecewiseLinear(), [1, 1]);
    expect(counters.forward).toBe(5);
  });
});
