// Bench section: the coverage-guided generators end to end through the harness on the first 50
// test images, against the goal of issue #8 (≤ 1.2 s per adversarial input for DeepXplore, ≤ 3 s
// for DLFuzz, on 2 cores): seconds per validated adversarial, and the success rate beside it.
import { Bench } from 'tinybench';
import type { SampleRecord } from '../results/record.js';
import type { ModelHandle } from '../types.js';
import type { BenchContext, BenchSection } from './bench-section.js';
import { msFigure, type BenchFigure } from './figure.js';
import { pluginEndToEnd } from './plugin-end-to-end.js';

const IMAGES = 50;
const ATTACKED = 'mnist-lenet1';
/** DeepXplore's MNIST trio: the model under attack first, then the ones it must disagree with */
const DEEPXPLORE_MODELS = [ATTACKED, 'mnist-lenet4', 'mnist-lenet5'];

interface Generator {
  id: string;
  label: string;
  params: Record<string, unknown>;
  models: readonly string[];
}

const GENERATORS: readonly Generator[] = [
  { id: 'deepxplore', label: 'DeepXplore light, nc, vs LeNet-4/5', params: { transformation: 'light', coverage: 'nc' }, models: DEEPXPLORE_MODELS },
  { id: 'dlfuzz', label: 'DLFuzz top-weight, nc', params: { strategy: 'top-weight', coverage: 'nc' }, models: [ATTACKED] },
];

/** Validated adversarials and samples attacked (the model classified them correctly) in one run. */
function tally(records: readonly SampleRecord[]): { adversarial: number; attacked: number } {
  return {
    adversarial: records.filter((r) => r.status === 'adversarial').length,
    attacked: records.filter((r) => r.status !== 'skipped').length,
  };
}

async function benchGenerator(g: Generator, nets: readonly ModelHandle[], context: BenchContext): Promise<BenchFigure[]> {
  const { test, runs, log } = context;
  const indices = Array.from({ length: IMAGES }, (_, i) => i);
  log(`${g.label}, ${IMAGES} images`);
  const tallies: { adversarial: number; attacked: number }[] = [];
  const bench = new Bench({ iterations: runs, time: 0, warmupIterations: 1, warmupTime: 0, throws: true });
  bench.add(g.id, async () => {
    tallies.push(tally(await pluginEndToEnd(g.id, g.params, nets, test, indices)));
  });
  await bench.run();
  // the job's seed and hash are fixed, so every run finds the same adversarials
  const { adversarial, attacked } = tallies[tallies.length - 1];
  if (tallies.some((t) => t.adversarial !== adversarial || t.attacked !== attacked)) throw new Error(`${g.id}: runs found different adversarials`);
  if (adversarial === 0) throw new Error(`${g.id}: no adversarial on the first ${IMAGES} images`);
  const ms = msFigure(bench.tasks[0], ATTACKED, '', adversarial);
  const seconds = (v: number): number => Number((v / 1000).toFixed(4));
  const success = Number(((100 * adversarial) / attacked).toFixed(2));
  return [
    { ...ms, figure: `${g.label}, ${IMAGES} images (s per adversarial)`, unit: 's', median: seconds(ms.median), min: seconds(ms.min), max: seconds(ms.max) },
    { model: ATTACKED, figure: `${g.label}, ${IMAGES} images (success %, ${adversarial}/${attacked})`, unit: '%', median: success, min: success, max: success, runs: ms.runs },
  ];
}

export const coverageBench: BenchSection = {
  id: 'coverage',
  describe: `DeepXplore (light, nc; ${DEEPXPLORE_MODELS.join(' + ')}) and DLFuzz (top-weight, nc; ${ATTACKED}) on the first ${IMAGES} test images: s per adversarial and success %`,
  models: DEEPXPLORE_MODELS,
  async run(context) {
    const figures: BenchFigure[] = [];
    for (const g of GENERATORS) {
      const nets = await Promise.all(g.models.map((name) => context.model(name)));
      figures.push(...(await benchGenerator(g, nets, context)));
    }
    return figures;
  },
};
