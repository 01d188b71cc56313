// Bench section: L0-TRE at t = 1 on the first MNIST test images of mnist-cnn-l0tre, with each
// evaluator (the goal: ≤ 0.5 s per image on 2 cores), and JSMA on the same images, end to end
// through the harness. Also the forward passes the harness counted per image (replays included, so
// the two evaluators should agree) and the mean L0 of the validated adversarials (again the same for
// both evaluators): the issue asks for L0-TRE's upper bounds to be at least as small as JSMA's.
import { Bench, type Task } from 'tinybench';
import type { SampleRecord } from '../results/record.js';
import type { ModelHandle } from '../types.js';
import type { BenchContext, BenchSection } from './bench-section.js';
import { msFigure, type BenchFigure } from './figure.js';
import { pluginEndToEnd } from './plugin-end-to-end.js';

const MODEL = 'mnist-cnn-l0tre';
/** first test images: about two minutes for the section on 2 idle cores */
const IMAGES = 20;
/** a run of a contender takes seconds: at most this many, whatever --runs says */
const MAX_RUNS = 3;

interface Contender {
  label: string;
  plugin: string;
  params: Record<string, unknown>;
}

const CONTENDERS: readonly Contender[] = [
  { label: 'L0-TRE t = 1, evaluator model', plugin: 'l0tre', params: { t_max: 1, evaluator: 'model' } },
  { label: 'L0-TRE t = 1, evaluator receptive-field', plugin: 'l0tre', params: { t_max: 1, evaluator: 'receptive-field' } },
  { label: 'JSMA, random target', plugin: 'jsma', params: { target: 'random', max_pixels: 112 } },
  { label: 'JSMA, runner-up target', plugin: 'jsma', params: { target: 'closest', max_pixels: 112 } },
];

/** Seconds per attacked image from a task whose runs each attack `attacked` images. */
function secondsFigure(task: Task, name: string, attacked: number): BenchFigure {
  const ms = msFigure(task, MODEL, name, attacked);
  const s = (v: number): number => Number((v / 1000).toFixed(3));
  return { ...ms, unit: 's', median: s(ms.median), min: s(ms.min), max: s(ms.max) };
}

/** A figure measured once (the same in every run: the searches are deterministic). */
function exactFigure(name: string, unit: string, value: number): BenchFigure {
  const v = Number(value.toFixed(2));
  return { model: MODEL, figure: name, unit, median: v, min: v, max: v, runs: 1 };
}

async function timeContender(contender: Contender, net: ModelHandle, context: BenchContext, indices: number[]): Promise<{ task: Task; records: SampleRecord[] }> {
  const { test, runs, log } = context;
  log(`${contender.label}, ${indices.length} images`);
  // one image first: loads what the plugin loads once (the layer stack, the kernels) outside the timing
  await pluginEndToEnd(contender.plugin, contender.params, [net], test, indices.slice(0, 1));
  let records: SampleRecord[] = [];
  const bench = new Bench({ iterations: Math.min(runs, MAX_RUNS), time: 0, warmup: false, throws: true });
  bench.add(contender.label, async () => {
    records = await pluginEndToEnd(contender.plugin, contender.params, [net], test, indices);
  });
  await bench.run();
  return { task: bench.tasks[0], records };
}

export const l0treBench: BenchSection = {
  id: 'l0tre',
  describe: `L0-TRE t = 1 (model and receptive-field evaluators) and JSMA on the first ${IMAGES} MNIST test images of ${MODEL}: s per image (≤ ${MAX_RUNS} runs), forward passes, mean L0`,
  models: [MODEL],
  async run(context) {
    const net = await context.model(MODEL);
    const indices = Array.from({ length: IMAGES }, (_, i) => i);
    const times: BenchFigure[] = [];
    const costs: BenchFigure[] = [];
    const l0Rows: BenchFigure[] = [];
    for (const contender of CONTENDERS) {
      const { task, records } = await timeContender(contender, net, context, indices);
      const attacked = records.filter((r) => r.status !== 'skipped');
      const found = attacked.filter((r) => r.status === 'adversarial' && r.distances !== null);
      times.push(secondsFigure(task, `${contender.label}, ${attacked.length} images (s per image)`, attacked.length));
      if (contender.plugin === 'l0tre') {
        const forward = attacked.reduce((sum, r) => sum + r.cost.forward, 0) / attacked.length;
        costs.push(exactFigure(`${contender.label}: forward passes counted per image (replays included)`, 'forward passes', forward));
      }
      const l0 = found.reduce((sum, r) => sum + (r.distances?.l0 ?? 0), 0) / Math.max(1, found.length);
      const what = contender.plugin === 'l0tre' ? `L0-TRE t = 1 upper bound (${contender.params.evaluator as string})` : contender.label;
      l0Rows.push(exactFigure(`mean L0 of validated adversarials, ${what}, ${found.length} of ${attacked.length} found (pixels)`, 'pixels', l0));
    }
    return [...times, ...costs, ...l0Rows];
  },
};
