// `gauntlet bench` (npm run bench): throughput of the shared model engine and of PGD end to end,
// each figure the median of several timed runs with its spread. Writes results/bench/latest.csv.
import { mkdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { Bench, type Task } from 'tinybench';
import { plugins } from '../../attacks/registry.js';
import type { BackendChoice } from '../config/experiment.js';
import { loadDataset, type Dataset } from '../data/dataset.js';
import { selectBackend } from '../engine/backend.js';
import { loadModel } from '../engine/model-handle.js';
import { ModelPool } from '../engine/pool/model-pool.js';
import type { Job } from '../plan.js';
import { logitAgreement, runTorchReference, torchUnavailable } from '../bench/torch-reference.js';
import { hostCores } from '../results/run-info.js';
import { runJob } from '../run-job.js';
import type { ModelHandle } from '../types.js';

export interface BenchArgs {
  backend: BackendChoice;
  runs: number;
  /** model worker threads; default one per core on wasm/cpu */
  workers?: number;
}

export interface BenchFigure {
  model: string;
  figure: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  /** the PyTorch reference's figure, when torch is installed */
  torch_median?: number;
  torch_min?: number;
  torch_max?: number;
  /** gauntlet median / PyTorch median */
  ratio?: number;
  agreement?: string;
}

const BENCH_MODELS = ['mnist-mlp-60-30', 'mnist-lenet5'];
const BATCH = 1024;
const PGD_IMAGES = 1000;
const PGD_RUNS = 3;
const DEEPCHECK_MODEL = 'mnist-mlp-10-10-10';

/** Images per second from a task's latencies: the median run, and the slowest and fastest. */
function figure(task: Task, model: string, name: string, images: number): BenchFigure {
  const result = task.result;
  if (result.state !== 'completed') {
    throw new Error(`bench task ${task.name} did not complete (${result.state}${result.state === 'errored' ? `: ${result.error.message}` : ''})`);
  }
  const rate = (ms: number): number => Number(((images * 1000) / ms).toFixed(1));
  return { model, figure: name, unit: 'images/s', median: rate(result.latency.p50), min: rate(result.latency.max), max: rate(result.latency.min), runs: result.latency.samplesCount };
}

/** Runs a registered plugin through runJob on the given images, as a run would (validation included). */
async function pluginEndToEnd(id: string, rawParams: Record<string, unknown>, model: ModelHandle, images: Float32Array, labels: Uint8Array, indices: number[]): Promise<void> {
  const plugin = plugins.get(id);
  if (plugin === undefined) throw new Error(`the ${id} plugin is not registered`);
  const params = plugin.params.parse(rawParams) as Record<string, unknown>;
  const job: Job = { hash: 'bench', data: { dataset: 'mnist', split: 'test', indices }, model: model.name, attack: { id, params }, plugin };
  const size = model.inputSize;
  await runJob({
    job,
    models: [model],
    data: { name: 'mnist', split: 'test', inputShape: model.inputShape, numClasses: 10, labels, sample: (i) => images.subarray(i * size, (i + 1) * size) },
    indices,
    done: new Set(),
    ordinal: 0,
    seed: 0,
    sampleTimeoutMs: 600_000,
    interrupt: new AbortController().signal,
    images: false,
    artifact: () => {},
    write: () => {},
    log: () => {},
  });
}

/** Forward and input-gradient throughput at one batch, then PGD-40 end to end through runJob. */
async function benchModel(model: ModelHandle, test: Dataset, runs: number): Promise<BenchFigure[]> {
  const name = model.name;
  const figures: BenchFigure[] = [];
  const batch = test.images.subarray(0, BATCH * model.inputSize);
  const labels = Int32Array.from(test.labels.subarray(0, BATCH));
  const engine = new Bench({ iterations: runs, time: 0, warmupIterations: 1, warmupTime: 0, throws: true });
  engine
    .add('forward', async () => {
      await model.predict(batch);
    })
    .add('input-gradient', async () => {
      await model.inputGradient(batch, { kind: 'cross-entropy', labels });
    });
  await engine.run();
  figures.push(figure(engine.tasks[0], name, `forward, batch ${BATCH} (images/s)`, BATCH));
  figures.push(figure(engine.tasks[1], name, `input gradient, batch ${BATCH} (images/s)`, BATCH));
  process.stderr.write(`bench: PGD-40 on ${PGD_IMAGES} images, ${name}\n`);
  // PGD takes seconds a run: fewer repetitions, no warm-up beyond the engine figures above.
  const attack = new Bench({ iterations: Math.min(runs, PGD_RUNS), time: 0, warmup: false, throws: true });
  const pgdParams = { epsilon: 0.1, steps: 40, step_size: 0.01, restarts: 1 };
  const first = Array.from({ length: PGD_IMAGES }, (_, i) => i);
  attack.add('pgd-40', () => pluginEndToEnd('pgd', pgdParams, model, test.images, test.labels, first));
  await attack.run();
  figures.push(figure(attack.tasks[0], name, `PGD-40 end to end, ${PGD_IMAGES} images (images/s)`, PGD_IMAGES));
  return figures;
}

/** DeepCheck's 1-pixel scan of all 784 pixels of one image (test image 0) on mnist-mlp-10-10-10, per engine. */
async function deepcheckScan(model: ModelHandle, test: Dataset, runs: number): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const engine of ['exact', 'z3'] as const) {
    process.stderr.write(`bench: DeepCheck 784-pixel scan, ${engine} engine\n`);
    // z3 takes seconds a scan: one timed run is enough to see the ratio
    const scan = new Bench({ iterations: engine === 'z3' ? 1 : runs, time: 0, warmupIterations: 1, warmupTime: 0, throws: true });
    scan.add(`deepcheck-${engine}`, () => pluginEndToEnd('deepcheck', { t: 1, order: 'scan', mode: 'all', engine }, model, test.images, test.labels, [0]));
    await scan.run();
    const result = scan.tasks[0].result;
    if (result.state !== 'completed') throw new Error(`DeepCheck scan with ${engine} did not complete (${result.state})`);
    const ms = (v: number): number => Number(v.toFixed(1));
    figures.push({ model: model.name, figure: `DeepCheck 784-pixel scan, ${engine} (ms per image)`, unit: 'ms', median: ms(result.latency.p50), min: ms(result.latency.min), max: ms(result.latency.max), runs: result.latency.samplesCount });
  }
  return figures;
}

export async function benchCommand(args: BenchArgs): Promise<BenchFigure[]> {
  const backend = await selectBackend(args.backend);
  const workers = args.workers ?? (backend.backend === 'wasm' || backend.backend === 'cpu' ? hostCores() : 1);
  const test = await loadDataset('mnist', 'test');
  const noTorch = torchUnavailable();
  const figures: BenchFigure[] = [];
  process.stderr.write(`bench: backend ${backend.backend}, ${workers} worker(s), ${hostCores()} cores, batch ${BATCH}, ${args.runs} runs per figure\n`);
  process.stderr.write(noTorch === undefined ? 'bench: PyTorch reference on 2 threads, same weights and images\n' : `bench: no PyTorch reference: ${noTorch}\n`);
  const pool = workers > 1 ? await ModelPool.start({ workers, backend: args.backend, models: BENCH_MODELS }) : undefined;
  try {
    for (const name of BENCH_MODELS) {
      const local = await loadModel(name);
      const model = pool?.handle(local) ?? local;
      const ours = await benchModel(model, test, args.runs);
      if (noTorch !== undefined) {
        figures.push(...ours);
        continue;
      }
      process.stderr.write(`bench: PyTorch reference, ${name}\n`);
      const torch = runTorchReference(name, { batch: BATCH, runs: args.runs, pgdImages: PGD_IMAGES, pgdRuns: PGD_RUNS });
      const agreement = logitAgreement(await model.predict(test.images.subarray(0, BATCH * model.inputSize)), torch.logits, model.numClasses);
      const agree = `same label ${(100 * agreement.sameLabel).toFixed(2)}%, max |Δlogit| ${agreement.maxAbsDiff.toExponential(1)}`;
      const reference = [torch.forward, torch.gradient, torch.pgd];
      ours.forEach((figure, i) => {
        const r = reference[i];
        figures.push({ ...figure, torch_median: round1(r.median), torch_min: round1(r.min), torch_max: round1(r.max), ratio: Number((figure.median / r.median).toFixed(2)), agreement: agree });
      });
    }
    figures.push(...(await deepcheckScan(await loadModel(DEEPCHECK_MODEL), test, args.runs)));
  } finally {
    await pool?.close();
  }
  const rows = figures.map((f) => ({ ...f, backend: backend.backend, workers, cores: hostCores() }));
  mkdirSync('results/bench', { recursive: true });
  writeFileSync('results/bench/latest.csv', stringify(rows, { header: true }));
  process.stdout.write(formatTable(figures) + '\n');
  process.stdout.write(`written: results/bench/latest.csv (backend ${backend.backend}, ${workers} worker(s), ${hostCores()} cores)\n`);
  return figures;
}

function round1(value: number): number {
  return Number(value.toFixed(1));
}

function formatTable(figures: readonly BenchFigure[]): string {
  const withTorch = figures.some((f) => f.torch_median !== undefined);
  const head = ['model', 'figure', 'gauntlet median (min–max)', ...(withTorch ? ['PyTorch median (min–max)', 'ratio', 'agreement'] : [])];
  const body = figures.map((f) => [
    f.model,
    f.figure,
    `${f.median} (${f.min}–${f.max})`,
    ...(withTorch ? [`${f.torch_median ?? ''} (${f.torch_min ?? ''}–${f.torch_max ?? ''})`, String(f.ratio ?? ''), f.agreement ?? ''] : []),
  ]);
  const table = [head, ...body];
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  return table.map((r) => r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
