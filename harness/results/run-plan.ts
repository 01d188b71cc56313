// A written run's plan, rebuilt from its config.yaml: the jobs in the order the runner ran them and
// the samples of each. Merging shards needs it to recompute the leaderboard and to order records.
import { join } from 'node:path';
import type { ConfigEnv } from '../config/load.js';
import { loadExperimentFile } from '../config/load.js';
import type { Experiment } from '../config/experiment.js';
import type { Dataset } from '../data/dataset.js';
import { selectIndices } from '../data/selection.js';
import { UserError } from '../errors.js';
import { jobIndices, planJobs, type Job } from '../plan.js';
import { configHash, datasetFor, loadDatasets, RUN_FILES } from '../runner.js';
import { zooModelDataset } from '../engine/model-handle.js';

export interface RunPlan {
  experiment: Experiment;
  jobs: Job[];
  datasets: Map<string, Dataset>;
  /** every sample of the job, in the order the runner takes them */
  indicesOf: Map<string, number[]>;
}

/** Replans `dir`'s config.yaml and checks it is still the config the run was written with. */
export async function replanRun(dir: string, expectedHash: string, env: ConfigEnv, leftOut: readonly string[] = []): Promise<RunPlan> {
  const experiment = loadExperimentFile(join(dir, RUN_FILES.config), env);
  const hash = configHash(experiment);
  if (hash !== expectedHash) {
    throw new UserError(
      `${join(dir, RUN_FILES.config)} now plans a different experiment (hash ${hash}, run.json says ${expectedHash}); expected the plugins and zoo the run was written with`,
    );
  }
  // the jobs the run left out (incompatible: skip) are not part of it
  const jobs = planJobs(experiment, { plugins: env.plugins, datasetOf: (ref) => (typeof ref === 'string' ? zooModelDataset(ref) : undefined) }).filter(
    (job) => !leftOut.includes(job.hash),
  );
  const datasets = await loadDatasets(experiment.data);
  const indicesOf = new Map(jobs.map((job) => [job.hash, jobIndices(job, selectIndices(job.data, datasetFor(datasets, job.data)))]));
  return { experiment, jobs, datasets, indicesOf };
}
