// DLFuzz (Guo et al., FSE'18) as a gauntlet test generator, with any of the five coverage criteria in
// place of its neuron coverage. See README.md for what differs from the released code.
import { definePlugin } from '../../harness/plugin.js';
import { coverageColumns } from '../../metrics/coverage/generator-report.js';
import { params, type DlfuzzParams } from './params.js';
import { dlfuzzSearch } from './search.js';

export const dlfuzz = definePlugin<DlfuzzParams>({
  id: 'dlfuzz',
  summary: 'DLFuzz (Guo et al.): mutate one model\'s input along the gradient of rival classes plus a coverage objective (nc|kmnc|nbc|snac|tknc), queueing mutants that grow coverage',
  kind: 'testgen',
  params,
  needs: ['gradients'],
  chunkSize: () => 100,
  // Unbounded as in the paper: the relative L2 bar only decides which mutants are mutated further.
  threat: () => ({ norm: 'unbounded' }),
  run: dlfuzzSearch,
  leaderboard: (records) => coverageColumns(records),
});
