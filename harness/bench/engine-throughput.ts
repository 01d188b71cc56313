// Bench section: forward and input-gradient throughput at batch 1024 and PGD-40 end to end on 1000
// test images, for mnist-mlp-60-30 and mnist-lenet5, beside the PyTorch reference (same weights,
// same images, 2 threads) when /usr/bin/python3 has torch, with the agreement of the two. Each
// timed gauntlet run is followed by a PyTorch run and the ratio is the median of per-pair ratios.
// A forward or gradient run is CALLS_PER_RUN calls on the batch, on both sides.
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
 * Forward and gradient runs time this many consecutive calls on the batch (both engines alike): a
 * single call lasts 5–70 ms, short enough for one scheduling hiccup to move a pair's ratio by 2×.
 */
const CALLS_PER_RUN = 8;

/**
 * A pause between the two sides of a pair. PyTorch's OpenMP threads spin-wait for some milliseconds
 * after each parallel region (libgomp's default), on the same two cores: without the pause they ran
 * into the start of the next gauntlet run (mnist-mlp-60-30's gradient measured 139 000 images/s in
 * the bench against 190 000–235 000 alone).
 */
const SETTLE_MS = 50;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/**
 * One untimed warm-up (when asked), then `runs` timed runs of gauntlet (`calls` consecutive calls
 * each), each followed by one of PyTorch.
 */
async function paired(runs: number, warmUp: boolean, items: number, calls: number, ours: () => Promise<void>, theirs: (() => Promise<number>) | undefined): Promise<PairedRates> {
  if (warmUp) await ours();
  const rates: Required<PairedRates> = { ours: [], theirs: [] };
  for (let i = 0; i < runs; i++) {
    await settle();
    const start = performance.now();
    for (let call = 0; call < calls; call++) await ours();
    rates.ours.push((items * calls * 1000) / (performance.now() - start));
    if (theirs === undefined) continue;
    await settle();
    rates.theirs.push(await theirs());
  }
  return theirs === undefined ? { ours: rates.ours } : rates;
}

/** Forward and input-gradient throughput at one batch, then PGD-40 end to end through runJob, each run paired with PyTorch's. */
async function benchModel(model: ModelHandle, test: Dataset, runs: number, torch: TorchReference | undefined, log: (line: string) => void): Promise<BenchFigure[]> {
  const name = model.name;
  const batch = test.images.subarray(0, BATCH * model.inputSize);
  const labels = Int32Array.from(test.labels.subarray(0, BATCH));
  const reference = (op: TorchOp, calls: number): (() => Promise<number>) | undefined => (torch === undefined ? undefined : () => torch.rate(op, calls));
  const row = (figure: string) => ({ model: name, figure, unit: 'images/s' });
  const forward = await paired(runs, true, BATCH, CALLS_PER_RUN, async () => void (await model.predict(batch)), reference('forward', CALLS_PER_RUN));
  const gradient = await paired(runs, true, BATCH, CALLS_PER_RUN, async () => void (await model.inputGradient(batch, { kind: 'cross-entropy', labels })), reference('gradient', CALLS_PER_RUN));
  const figures = [pairedFigure(row(`forward, batch ${BATCH} (images/s)`), forward), pairedFigure(row(`input gradient, batch ${BATCH} (images/s)`), gradient)];
  log(`PGD-40 on ${PGD_IMAGES} images, ${name}`);
  // PGD takes seconds a run: fewer repetitions, no warm-up beyond the engine figures above.
  const pgdParams = { epsilon: 0.1, steps: 40, step_size: 0.01, restarts: 1 };
  const first = Array.from({ length: PGD_IMAGES }, (_, i) => i);
  const attack = await paired(Math.min(runs, PGD_RUNS), false, PGD_IMAGES, 1, async () => void (await pluginEndToEnd('pgd', pgdParams, [model], test, first)), reference('pgd', 1));
  figures.push(pairedFigure(row(`PGD-40 end to end, ${PGD_IMAGES} images (images/s)`), attack));
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
        figures.push(...(await benchModel(net, test, runs, undefined, log)));
        continue;
      }
      const torch = await TorchReference.start(name, { batch: BATCH, pgdImages: PGD_IMAGES });
      try {
        const agreement = logitAgreement(await net.predict(test.images.subarray(0, BATCH * net.inputSize)), torch.logits, net.numClasses);
        const agree = `same label ${(100 * agreement.sameLabel).toFixed(2)}%, max |Δlogit| ${agreement.maxAbsDiff.toExponential(1)}`;
        for (const figure of await benchModel(net, test, runs, torch, log)) {
          figures.push({ ...figure, agreement: `${agree}; ratio: median of ${figure.runs} paired runs, pair ratios ${figure.ratio_min ?? ''}–${figure.ratio_max ?? ''}` });
        }
      } finally {
        torch.close();
      }
    }
    return figures;
  },
};
