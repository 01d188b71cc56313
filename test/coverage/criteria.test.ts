// Each criterion on hand-written activations of a tiny two-layer net, with the coverage worked out by
// hand; then the distances and objectives generators steer by.
import { describe, expect, it } from '@jest/globals';
import { createCriterion } from '../../metrics/coverage/criteria.js';
import type { CriterionSpec, NeuronBounds } from '../../metrics/coverage/criterion.js';
import { sectionOf } from '../../metrics/coverage/kmnc.js';
import { NeuronLayout } from '../../metrics/coverage/neuron-layout.js';
import { CoverageTracker } from '../../metrics/coverage/tracker.js';

// Layer A has 3 neurons (global 0, 1, 2), layer B has 2 (global 3, 4). Two inputs:
//   row 0: A = [0, 0.5, 1],  B = [-1, 3]
//   row 1: A = [2, 1, 0],    B = [0.5, 0.5]
// Training ranges: A's neurons [0, 1] each, B0 [0, 1], B1 [0, 2].
const layout = new NeuronLayout([3, 2]);
const acts = [Float32Array.from([0, 0.5, 1, 2, 1, 0]), Float32Array.from([-1, 3, 0.5, 0.5])];
const bounds: NeuronBounds = { low: Float32Array.from([0, 0, 0, 0, 0]), high: Float32Array.from([1, 1, 1, 1, 2]) };

function coverage(spec: CriterionSpec): { hits: number[][]; covered: number[]; ratio: number } {
  const tracker = new CoverageTracker(createCriterion(spec, layout, bounds));
  const hits = [0, 1].map((row) => tracker.criterion.hits(acts, row));
  hits.forEach((h) => tracker.add(h));
  return { hits, covered: tracker.coveredItems(), ratio: tracker.ratio };
}

describe('coverage of the two inputs', () => {
  it('NC scales within each layer per input; a constant layer covers nothing', () => {
    // row 0 scaled: A [0, .5, 1], B [0, 1]; row 1: A [1, .5, 0], B constant
    expect(coverage({ name: 'nc', threshold: 0.5 })).toEqual({ hits: [[2, 4], [0]], covered: [0, 2, 4], ratio: 3 / 5 });
    expect(coverage({ name: 'nc', threshold: 0 })).toEqual({ hits: [[1, 2, 4], [0, 1]], covered: [0, 1, 2, 4], ratio: 4 / 5 });
  });

  it('KMNC counts the section each in-range value falls in, the top edge in the last section', () => {
    // item = neuron·2 + section; row 0: A0→s0, A1=.5→s1, A2=1→s1, B out of range; row 1: A0 out, A1→s1, A2→s0, B0=.5→s1, B1=.5 of [0,2]→s0
    expect(coverage({ name: 'kmnc', sections: 2 })).toEqual({ hits: [[0, 3, 5], [3, 4, 7, 8]], covered: [0, 3, 4, 5, 7, 8], ratio: 6 / 10 });
  });

  it('NBC counts lower (2g) and upper (2g + 1) corners strictly beyond the training range', () => {
    // row 0: B0 = -1 < 0 (item 6), B1 = 3 > 2 (item 9); A's 0 and 1 sit on the edges; row 1: A0 = 2 > 1 (item 1)
    expect(coverage({ name: 'nbc' })).toEqual({ hits: [[6, 9], [1]], covered: [1, 6, 9], ratio: 3 / 10 });
  });

  it('SNAC counts upper corners only', () => {
    expect(coverage({ name: 'snac' })).toEqual({ hits: [[4], [0]], covered: [0, 4], ratio: 2 / 5 });
  });

  it('TKNC counts the top k of each layer, ties to the lower unit', () => {
    expect(coverage({ name: 'tknc', k: 1 })).toEqual({ hits: [[2, 4], [0, 3]], covered: [0, 2, 3, 4], ratio: 4 / 5 });
    expect(coverage({ name: 'tknc', k: 2 })).toEqual({ hits: [[1, 2, 3, 4], [0, 1, 3, 4]], covered: [0, 1, 2, 3, 4], ratio: 1 });
  });

  it('places values in sections like DeepGauge', () => {
    expect([-0.1, 0, 0.099, 0.1, 0.95, 1, 1.01].map((v) => sectionOf(v, 0, 1, 10))).toEqual([-1, 0, 0, 1, 9, 9, -1]);
    expect(sectionOf(0.3, 0.3, 0.3, 10)).toBe(0);
  });
});

describe('what generators steer by', () => {
  const criterion = (spec: CriterionSpec) => createCriterion(spec, layout, bounds);

  it('NC: distance to the threshold in the layer\'s scale; raise the neuron', () => {
    const nc = criterion({ name: 'nc', threshold: 0.5 });
    expect(nc.distance(0, acts, 0)).toBeCloseTo(0.5);
    expect(nc.distance(2, acts, 0)).toBe(0);
    expect(nc.objective(4, acts, 0)).toEqual([{ layer: 1, unit: 1, weight: 1 }]);
  });

  it('KMNC: distance to the section, toward its centre from either side', () => {
    const kmnc = criterion({ name: 'kmnc', sections: 2 });
    expect(kmnc.neuronOf(1)).toBe(0);
    expect(kmnc.distance(1, acts, 0)).toBeCloseTo(0.5); // A0 = 0, section [0.5, 1]
    expect(kmnc.distance(1, acts, 1)).toBeCloseTo(1); // A0 = 2
    expect(kmnc.objective(1, acts, 0)).toEqual([{ layer: 0, unit: 0, weight: 1 }]);
    expect(kmnc.objective(1, acts, 1)).toEqual([{ layer: 0, unit: 0, weight: -1 }]);
  });

  it('NBC and SNAC: distance past the edge in the neuron\'s range; push down for a lower corner, up for an upper one', () => {
    const nbc = criterion({ name: 'nbc' });
    expect(nbc.distance(7, acts, 1)).toBeCloseTo(0.5); // B0 = 0.5 below its high 1
    expect(nbc.objective(6, acts, 0)).toEqual([{ layer: 1, unit: 0, weight: -1 }]);
    expect(nbc.objective(9, acts, 0)).toEqual([{ layer: 1, unit: 1, weight: 1 }]);
    const snac = criterion({ name: 'snac' });
    expect(snac.distance(3, acts, 0)).toBeCloseTo(2); // B0 = -1, high 1
  });

  it('TKNC: distance to the k-th largest; raise the neuron over it', () => {
    const tknc = criterion({ name: 'tknc', k: 1 });
    expect(tknc.distance(1, acts, 0)).toBeCloseTo(0.5);
    expect(tknc.objective(1, acts, 0)).toEqual([{ layer: 0, unit: 1, weight: 1 }, { layer: 0, unit: 2, weight: -1 }]);
    expect(tknc.objective(2, acts, 0)).toEqual([{ layer: 0, unit: 2, weight: 1 }]);
  });

  it('refuses a range-based criterion without ranges', () => {
    expect(() => createCriterion({ name: 'snac' }, layout)).toThrow(/training ranges/);
  });
});
