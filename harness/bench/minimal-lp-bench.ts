// Bench section: minimal-lp's three modes (regions, local, milp), untargeted at ε = 5, end to end
// through the harness on the first 10 MNIST test images, for mnist-mlp-10-10-10 (every mode) and
// mnist-mlp-60-30 (local and regions).
// Every search is capped by LP count, never by time, so which samples complete is the same on any
// machine: the completed share is a figure of its own beside the time.
import { Bench } from 'tinybench';
import { loadSolver } from '../solvers/load-solver.js';
import type { BenchSection } from './bench-section.js';
import { msFigure, type BenchFigure } from './figure.js';
import { pluginEndToEnd } from './plugin-end-to-end.js';

interface BenchCase {
  model: string;
  mode: 'regions' | 'local' | 'milp';
  /** solves per sample: LPs, and in milp the MILPs after the local LPs that seed them */
  maxRegions: number;
  /** timed runs at most: the slow cases take fewer than --runs */
  maxRuns: number;
}

const IMAGES = Array.from({ length: 10 }, (_, i) => i);
const EPSILON = 5;

// Caps chosen so the section takes about a minute on an idle 2-core machine. An untargeted search
// starts with one LP per class in x's own region (9 on MNIST), so the milp cap of 10 is those LPs and
// the first MILP (the closest class); a whole MILP search on mnist-mlp-60-30 takes minutes an image.
const CASES: readonly BenchCase[] = [
  // local solves one LP per class: the default cap never binds
  { model: 'mnist-mlp-10-10-10', mode: 'local', maxRegions: 1000, maxRuns: 3 },
  { model: 'mnist-mlp-10-10-10', mode: 'regions', maxRegions: 200, maxRuns: 3 },
  { model: 'mnist-mlp-10-10-10', mode: 'milp', maxRegions: 10, maxRuns: 1 },
  { model: 'mnist-mlp-60-30', mode: 'local', maxRegions: 1000, maxRuns: 3 },
  { model: 'mnist-mlp-60-30', mode: 'regions', maxRegions: 100, maxRuns: 1 },
];

export const minimalLpBench: BenchSection = {
  id: 'minimal-lp',
  describe: `minimal-lp regions / local / milp, untargeted, L1 ε = ${EPSILON}, first ${IMAGES.length} test images, LP-count caps (ms per attacked image, % completed)`,
  models: [...new Set(CASES.map((c) => c.model))],
  async run({ test, runs, model, log }) {
    // the solver's wasm is compiled once per process: not part of any timed run
    await loadSolver('highs');
    const figures: BenchFigure[] = [];
    for (const c of CASES) {
      const net = await model(c.model);
      const iterations = Math.min(runs, c.maxRuns);
      const cap = { local: '', regions: `, cap ${c.maxRegions} LPs`, milp: `, cap ${c.maxRegions} solves (9 local LPs + 1 MILP)` }[c.mode];
      const label = `minimal-lp ${c.mode}${cap}`;
      log(`${label} on ${c.model}, ${iterations} run(s)`);
      const params = { mode: c.mode, epsilon: EPSILON, max_regions: c.maxRegions, time_limit_s: 3600 };
      let attacked = 0;
      let completed = 0;
      const bench = new Bench({ iterations, time: 0, warmup: false, throws: true });
      bench.add(label, async () => {
        const records = (await pluginEndToEnd('minimal-lp', params, [net], test, IMAGES)).filter((r) => r.status !== 'skipped');
        attacked = records.length;
        completed = records.filter((r) => r.details.complete === true).length;
      });
      await bench.run();
      const runsNote = iterations < runs ? `, ${iterations} run${iterations === 1 ? '' : 's'}` : '';
      figures.push(msFigure(bench.tasks[0], c.model, `${label} (ms per attacked image${runsNote})`, attacked));
      const share = Number(((100 * completed) / Math.max(1, attacked)).toFixed(1));
      figures.push({ model: c.model, figure: `${label}: searches completed within the cap (of ${attacked})`, unit: '%', median: share, min: share, max: share, runs: iterations });
    }
    return figures;
  },
};
