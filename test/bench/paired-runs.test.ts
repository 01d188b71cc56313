// Paired runs: the ratio is the median of per-pair ratios, not the ratio of the two medians, so a
// drift that slows both engines in one pair leaves the ratio alone.
import { describe, expect, it } from '@jest/globals';
import { pairedFigure, pairRatios, spread } from '../../harness/bench/paired-runs.js';

describe('paired runs', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it('summarises the per-pair ratios', () => {
    // pairs: 100/50 = 2, 300/100 = 3, 40/40 = 1
    expect(pairRatios([100, 300, 40], [50, 100, 40])).toEqual({ median: 2, min: 1, max: 3 });
    expect(() => pairRatios([1, 2], [1])).toThrow('differ in count');
  });

  it('is steady where the ratio of medians is not', () => {
    // PyTorch 8× faster in the second and third pairs, gauntlet too: every pair is 0.5.
    const figure = pairedFigure({ model: 'm', figure: 'f', unit: 'images/s' }, { ours: [50, 400, 400], theirs: [100, 800, 800] });
    expect(figure).toMatchObject({ median: 400, min: 50, max: 400, runs: 3, torch_median: 800, torch_min: 100, torch_max: 800, ratio: 0.5, ratio_min: 0.5, ratio_max: 0.5 });
    const uneven = pairedFigure({ model: 'm', figure: 'f', unit: 'images/s' }, { ours: [10, 30, 20, 40], theirs: [10, 20, 40, 10] });
    expect(uneven).toMatchObject({ ratio: 1.25, ratio_min: 0.5, ratio_max: 4 });
  });

  it('leaves the PyTorch columns out when there is no reference', () => {
    const figure = pairedFigure({ model: 'm', figure: 'f', unit: 'images/s' }, { ours: [1.04, 2.06] });
    expect(figure).toEqual({ model: 'm', figure: 'f', unit: 'images/s', median: 1.6, min: 1, max: 2.1, runs: 2 });
  });
});
