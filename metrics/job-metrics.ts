// The metric columns of each job, computed after all jobs from their validated adversarials:
// naturalness (FID), transferability to a hardened model, 8-bit quantisation survival, coverage on
// the model under attack and the per-class breakdown of output impartiality. Each costs a few
// batched forward passes per job.
import { DATASETS, modelRefName } from '../harness/config/experiment.js';
import { loadModel, type LayersModelHandle } from '../harness/engine/model-handle.js';
import type { Job } from '../harness/plan.js';
import type { SampleRecord } from '../harness/results/record.js';
import type { ModelHandle } from '../harness/types.js';
import { readZooManifest } from '../harness/zoo/manifest.js';
import { coverageOf } from './coverage/coverage-of.js';
import { CRITERIA, type CriterionName } from './coverage/criterion.js';
import { fid } from './fid.js';
import { FID_EXTRACTOR, loadFeatureExtractor, type FeatureExtractor } from './fid-features.js';
import { pielou, pielouClassColumns } from './pielou.js';
import { quantisationSurvival } from './quantisation.js';
import { TRANSFER_MODEL, transferability } from './transferability.js';

export const METRIC_COLUMNS = ['fid', 'transferability', 'quantisation_survival', ...CRITERIA] as const;
export type MetricColumns = Record<(typeof METRIC_COLUMNS)[number], number | ''> & Record<`adv_class_${number}`, number>;

/** A job as the metrics need it: its records, the model it attacked, and the split its samples come from. */
export interface JobData {
  job: Job;
  records: readonly SampleRecord[];
  model: ModelHandle;
  data: { readonly name: string; readonly numClasses: number; sample(index: number): Float32Array };
}

interface Adversarial {
  index: number;
  adversarial: Float32Array;
  label: number;
  target: number | null;
  prediction: number;
}

function validated(records: readonly SampleRecord[]): Adversarial[] {
  return records.flatMap((r) =>
    r.status === 'adversarial' && r.adversarial !== null
      ? [{ index: r.index, adversarial: Float32Array.from(r.adversarial), label: r.label, target: r.target, prediction: r.adversarial_prediction as number }]
      : [],
  );
}

/**
 * FID needs two covariances (at least 2 adversarials), features that mean something (the extractor's
 * dataset) and an extractor that is not the model under attack.
 */
function fidApplies(job: JobData, adversarials: readonly Adversarial[], extractorDataset: string): boolean {
  return adversarials.length >= 2 && job.data.name === extractorDataset && modelRefName(job.job.model) !== FID_EXTRACTOR.model;
}

/** Transfer needs adversarials, the hardened model's dataset, and a model under attack other than the hardened one. */
function transferApplies(job: JobData, adversarials: readonly Adversarial[], hardenedDataset: string): boolean {
  return adversarials.length >= 1 && job.data.name === hardenedDataset && modelRefName(job.job.model) !== TRANSFER_MODEL;
}

export async function jobMetrics(jobs: readonly JobData[]): Promise<Map<string, MetricColumns>> {
  const extractorDataset = readZooManifest(FID_EXTRACTOR.model).dataset;
  const hardenedDataset = readZooManifest(TRANSFER_MODEL).dataset;
  const planned = jobs.map((job) => {
    const adversarials = validated(job.records);
    return { job, adversarials, fid: fidApplies(job, adversarials, extractorDataset), transfer: transferApplies(job, adversarials, hardenedDataset) };
  });
  let extractor: FeatureExtractor | undefined;
  let hardened: LayersModelHandle | undefined;
  try {
    if (planned.some((p) => p.fid)) extractor = await loadFeatureExtractor();
    if (planned.some((p) => p.transfer)) hardened = await loadModel(TRANSFER_MODEL);
    const columns = new Map<string, MetricColumns>();
    for (const { job, adversarials, fid: withFid, transfer: withTransfer } of planned) {
      const transfer = hardened !== undefined && withTransfer ? await transferability(hardened, adversarials) : null;
      const survival = await quantisationSurvival(job.model, adversarials);
      columns.set(job.job.hash, {
        fid: extractor !== undefined && withFid ? round(await naturalness(extractor, job, adversarials), 6) : '',
        transferability: transfer === null ? '' : round(100 * transfer, 2),
        quantisation_survival: survival === null ? '' : round(100 * survival, 2),
        ...(await adversarialCoverage(job, adversarials)),
        ...pielouClassColumns(pielou(adversarials.map((a) => a.prediction), job.data.numClasses)),
      });
    }
    return columns;
  } finally {
    extractor?.dispose();
    hardened?.logitsModel.dispose();
  }
}

/** FID between the originals of the samples the job turned adversarial and those adversarials: one batch through the extractor. */
async function naturalness(extractor: FeatureExtractor, job: JobData, adversarials: readonly Adversarial[]): Promise<number> {
  const n = adversarials.length;
  const batch = new Float32Array(2 * n * extractor.inputSize);
  adversarials.forEach((a, k) => {
    batch.set(job.data.sample(a.index), k * extractor.inputSize);
    batch.set(a.adversarial, (n + k) * extractor.inputSize);
  });
  const features = await extractor.features(batch);
  return fid(features.subarray(0, n * extractor.dim), features.subarray(n * extractor.dim), extractor.dim);
}

/**
 * Coverage (each criterion with its defaults) that the job's validated adversarials reach on the model
 * under attack, as a fraction of the criterion's items; empty without adversarials or neurons.
 */
async function adversarialCoverage(job: JobData, adversarials: readonly Adversarial[]): Promise<Record<CriterionName, number | ''>> {
  const columns = Object.fromEntries(CRITERIA.map((name) => [name, ''])) as Record<CriterionName, number | ''>;
  if (adversarials.length === 0) return columns;
  const inputs = new Float32Array(adversarials.length * job.model.inputSize);
  adversarials.forEach((a, k) => inputs.set(a.adversarial, k * job.model.inputSize));
  // a model given by path is profiled on the training split of the dataset it runs on
  const dataset = DATASETS.find((name) => name === job.data.name);
  for (const name of CRITERIA) {
    const report = await coverageOf(job.model, inputs, name, { dataset });
    columns[name] = report.items === 0 ? '' : round(report.ratio, 4);
  }
  return columns;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
