// Bench section: forward and input-gradient throughput at batch 1024 and PGD-40 end to end on 1000
// test images, for mnist-mlp-60-30 and mnist-lenet5, beside the PyTorch reference (same weights,
// same images, 2 threads) when /usr/bin/python3 has torch, with the agreement of the two. Each
// timed gauntlet run is followed by a PyTorch run and the ratio is the median of per-pair ratios.
// A forward or gradient run is as many calls on the batch as callsPerRun says, on both sides.
import type { Dataset } from '../data/dataset.js';
import type { ModelHandle } from '../types.js';
import type { BenchSection } from './bench-section.js';
import type { BenchFigure } from './figure.js';
import { pairedFigure, type PairedRates } from './paired-runs.js';
import { pluginEndToEnd } from './plugin-end-to-end.js';
import { logitAgreement, TorchReference, torchUnavailable, type TorchOp } from './torch-reference.js';

const MODELS = ['mnist-mlp-60-30', 'mnist-lenet5'];
const BATCH = 1024;
const PGD_IMAGES = 1000;
const PGD_RUNS = 3;
/**
 * Forward and gradient runs time at least this many consecutive calls on the batch (both engines
 * alike): a single call lasts 0.6–70 ms, short enough for one scheduling hiccup to move a pair's
 * ratio by 2×.
 */
const MIN_CALLS_PER_RUN = 8;
/**
 * ... and enough calls for a run to last about this long on gauntlet's side (at most 64 calls): the
 * MLP's calls take 0.6–3 ms, and runs of 8 of them (5–25 ms) moved by 3× from run to run on this
 * 2-core virtual machine.
 */
const MIN_RUN_MS = 40;
const MAX_CALLS_PER_RUN = 64;
const WARM_UP_CALLS = 3;

/** Calls per run for a call that took `ms` (timed on the untimed warm-up). */
export function callsPerRun(ms: number): number {
  const wanted = Number.isFinite(ms) && ms > 0 ? Math.ceil(MIN_RUN_MS / ms) : MIN_CALLS_PER_RUN;
  return Math.min(MAX_CALLS_PER_RUN, Math.max(MIN_CALLS_PER_RUN, wanted));
}

/**
 * A pause between the two sides of a pair. PyTorch's OpenMP threads spin-wait for some milliseconds
 * after each parallel region (libgomp's default), on the same two cores: without the pause they ran
 * into the start of the next gauntlet run (mnist-mlp-60-30's gradient measured 139 000 images/s in
 * the bench against 190 000–235 000 alone).
 */
const SETTLE_MS = 50;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/**
 * Untimed warm-up calls (when asked), then `runs` timed runs of gauntlet (`calls` consecutive
 * calls each, or with a warm-up as many as callsPerRun gives for the fastest warm-up call), each
 * followed by one of PyTorch with as many calls.
 */
async function paired(runs: number, warmUp: boolean, items: number, fixedCalls: number | undefined, ours: () => Promise<void>, theirs: ((calls: number) => Promise<number>) | undefined): Promise<{ rates: PairedRates; calls: number }> {
  let calls = fixedCalls ?? MIN_CALLS_PER_RUN;
  if (warmUp) {
    // the first call of a kind is slow (allocation, JIT): the fastest of a few sets the run length
    let fastest = Infinity;
    for (let i = 0; i < WARM_UP_CALLS; i++) {
      const start = performance.now();
      await ours();
      fastest = Math.min(fastest, performance.now() - start);
    }
    calls = fixedCalls ?? callsPerRun(fastest);
  }
  const rates: Required<PairedRates> = { ours: [], theirs: [] };
  for (let i = 0; i < runs; i++) {
    await settle();
    const start = performance.now();
    for (let call = 0; call < calls; call++) await ours();
    rates.ours.push((items * calls * 1000) / (performance.now() - start));
    if (theirs === undefined) continue;
    await settle();
    rates.theirs.push(await theirs(calls));
  }
  return { rates: theirs === undefined ? { ours: rates.ours } : rates, calls };
}

/** A bench row and the calls each of its runs made. */
interface ModelFigure {
  figure: BenchFigure;
  calls: number;
}

/** Forward and input-gradient throughput at one batch, then PGD-40 end to end through runJob, each run paired with PyTorch's. */
async function benchModel(model: ModelHandle, test: Dataset, runs: number, torch: TorchReference | undefined, log: (line: string) => void): Promise<ModelFigure[]> {
  const name = model.name;
  const batch = test.images.subarray(0, BATCH * model.inputSize);
  const labels = Int32Array.from(test.labels.subarray(0, BATCH));
  const reference = (op: TorchOp): ((calls: number) => Promise<number>) | undefined => (torch === undefined ? undefined : (calls) => torch.rate(op, calls));
  const row = (figure: string) => ({ model: name, figure, unit: 'images/s' });
  const forward = await paired(runs, true, BATCH, undefined, async () => void (await model.predict(batch)), reference('forward'));
  const gradient = await paired(runs, true, BATCH, undefined, async () => void (await model.inputGradient(batch, { kind: 'cross-entropy', labels })), reference('gradient'));
  log(`${name}: runs of ${forward.calls} forward calls and of ${gradient.calls} gradient calls on the batch`);
  const figures: ModelFigure[] = [
    { figure: pairedFigure(row(`forward, batch ${BATCH} (images/s)`), forward.rates), calls: forward.calls },
    { figure: pairedFigure(row(`input gradient, batch ${BATCH} (images/s)`), gradient.rates), calls: gradient.calls },
  ];
  log(`PGD-40 on ${PGD_IMAGES} images, ${name}`);
  // PGD takes seconds a run: fewer repetitions, no warm-up beyond the engine figures above.
  const pgdParams = { epsilon: 0.1, steps: 40, step_size: 0.01, restarts: 1 };
  const first = Array.from({ length: PGD_IMAGES }, (_, i) => i);
  const attack = await paired(Math.min(runs, PGD_RUNS), false, PGD_IMAGES, 1, async () => void (await pluginEndToEnd('pgd', pgdParams, [model], test, first)), reference('pgd'));
  figures.push({ figure: pairedFigure(row(`PGD-40 end to end, ${PGD_IMAGES} images (images/s)`), attack.rates), calls: attack.calls });
  return figures;
}

export const engineThroughput: BenchSection = {
  id: 'engine',
  describe: `forward and input-gradient throughput (batch ${BATCH}) and PGD-40 on ${PGD_IMAGES} images, ${MODELS.join(' and ')}, beside PyTorch run by run`,
  models: MODELS,
  async run({ test, runs, model, log }) {
    const noTorch = torchUnavailable();
    log(noTorch === undefined ? 'PyTorch reference on 2 threads, same weights and images, each run paired with a gauntlet run' : `no PyTorch reference: ${noTorch}`);
    const figures: BenchFigure[] = [];
    for (const name of MODELS) {
      const net = await model(name);
      if (noTorch !== undefined) {
        figures.push(...(await benchModel(net, test, runs, undefined, log)).map(({ figure }) => figure));
        continue;
      }
      const torch = await TorchReference.start(name, { batch: BATCH, pgdImages: PGD_IMAGES });
      try {
        const agreement = logitAgreement(await net.predict(test.images.subarray(0, BATCH * net.inputSize)), torch.logits, net.numClasses);
        const agree = `same label ${(100 * agreement.sameLabel).toFixed(2)}%, max |Δlogit| ${agreement.maxAbsDiff.toExponential(1)}`;
        for (const { figure, calls } of await benchModel(net, test, runs, torch, log)) {
          const runsOf = calls === 1 ? `${figure.runs} paired runs` : `${figure.runs} paired runs of ${calls} calls`;
          figures.push({ ...figure, agreement: `${agree}; ratio: median of ${runsOf}, pair ratios ${figure.ratio_min ?? ''}–${figure.ratio_max ?? ''}` });
        }
      } finally {
        torch.close();
      }
    }
    return figures;
  },
};
