// Bench section: forward and input-gradient throughput at batch 1024 and PGD-40 end to end on 1000
// test images, for mnist-mlp-60-30 and mnist-lenet5, beside the PyTorch reference (same weights,
// same images, 2 threads) when /usr/bin/python3 has torch, with the agreement of the two.
import { Bench } from 'tinybench';
import type { Dataset } from '../data/dataset.js';
import type { ModelHandle } from '../types.js';
import type { BenchSection } from './bench-section.js';
import { rateFigure, type BenchFigure } from './figure.js';
import { pluginEndToEnd } from './plugin-end-to-end.js';
import { logitAgreement, runTorchReference, torchUnavailable } from './torch-reference.js';

const MODELS = ['mnist-mlp-60-30', 'mnist-lenet5'];
const BATCH = 1024;
const PGD_IMAGES = 1000;
const PGD_RUNS = 3;

/** Forward and input-gradient throughput at one batch, then PGD-40 end to end through runJob. */
async function benchModel(model: ModelHandle, test: Dataset, runs: number, log: (line: string) => void): Promise<BenchFigure[]> {
  const name = model.name;
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
  const figures = [
    rateFigure(engine.tasks[0], name, `forward, batch ${BATCH} (images/s)`, BATCH),
    rateFigure(engine.tasks[1], name, `input gradient, batch ${BATCH} (images/s)`, BATCH),
  ];
  log(`PGD-40 on ${PGD_IMAGES} images, ${name}`);
  // PGD takes seconds a run: fewer repetitions, no warm-up beyond the engine figures above.
  const attack = new Bench({ iterations: Math.min(runs, PGD_RUNS), time: 0, warmup: false, throws: true });
  const pgdParams = { epsilon: 0.1, steps: 40, step_size: 0.01, restarts: 1 };
  const first = Array.from({ length: PGD_IMAGES }, (_, i) => i);
  attack.add('pgd-40', async () => {
    await pluginEndToEnd('pgd', pgdParams, [model], test, first);
  });
  await attack.run();
  figures.push(rateFigure(attack.tasks[0], name, `PGD-40 end to end, ${PGD_IMAGES} images (images/s)`, PGD_IMAGES));
  return figures;
}

export const engineThroughput: BenchSection = {
  id: 'engine',
  describe: `forward and input-gradient throughput (batch ${BATCH}) and PGD-40 on ${PGD_IMAGES} images, ${MODELS.join(' and ')}, beside PyTorch`,
  models: MODELS,
  async run({ test, runs, model, log }) {
    const noTorch = torchUnavailable();
    log(noTorch === undefined ? 'PyTorch reference on 2 threads, same weights and images' : `no PyTorch reference: ${noTorch}`);
    const figures: BenchFigure[] = [];
    for (const name of MODELS) {
      const net = await model(name);
      const ours = await benchModel(net, test, runs, log);
      if (noTorch !== undefined) {
        figures.push(...ours);
        continue;
      }
      log(`PyTorch reference, ${name}`);
      const torch = runTorchReference(name, { batch: BATCH, runs, pgdImages: PGD_IMAGES, pgdRuns: PGD_RUNS });
      const agreement = logitAgreement(await net.predict(test.images.subarray(0, BATCH * net.inputSize)), torch.logits, net.numClasses);
      const agree = `same label ${(100 * agreement.sameLabel).toFixed(2)}%, max |Δlogit| ${agreement.maxAbsDiff.toExponential(1)}`;
      const reference = [torch.forward, torch.gradient, torch.pgd];
      ours.forEach((figure, i) => {
        const r = reference[i];
        figures.push({ ...figure, torch_median: round1(r.median), torch_min: round1(r.min), torch_max: round1(r.max), ratio: Number((figure.median / r.median).toFixed(2)), agreement: agree });
      });
    }
    return figures;
  },
};

function round1(value: number): number {
  return Number(value.toFixed(1));
}
