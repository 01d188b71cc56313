// DeepXplore (Pei et al., SOSP'17) as a gauntlet test generator, with any of the five coverage
// criteria in place of its neuron coverage. See README.md for what differs from the released code.
import { definePlugin } from '../../harness/plugin.js';
import { coverageColumns } from '../../metrics/coverage/generator-report.js';
import { params, type DeepxploreParams } from './params.js';
import { deepxploreSearch } from './search.js';

export const deepxplore = definePlugin<DeepxploreParams>({
  id: 'deepxplore',
  summary: 'DeepXplore (Pei et al.): ascend the disagreement of several models plus a coverage objective (nc|kmnc|nbc|snac|tknc) under a light/occlusion/blackout constraint',
  kind: 'testgen',
  params,
  needs: ['gradients', 'several-models'],
  chunkSize: () => 100,
  // Unbounded as in the paper: a light change moves every pixel, and the search stops at the first
  // difference, not at a distance.
  threat: () => ({ norm: 'unbounded' }),
  run: deepxploreSearch,
  leaderboard: (records) => coverageColumns(records),
});
