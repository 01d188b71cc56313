// Runs an experiment into a results directory: loads every model and dataset once, runs the jobs,
// appends records as they finish, and writes the leaderboard. Resumable, interruptible.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { shortHash } from './canonical-json.js';
import { capabilityMismatch } from './capabilities.js';
import { modelRefName, type BackendChoice, type DataSelection, type Experiment, type ModelRef } from './config/experiment.js';
import { loadDataset, type Dataset } from './data/dataset.js';
import { selectIndices } from './data/selection.js';
import { selectBackend } from './engine/backend.js';
import { setNativeThreads } from './engine/kernels/native-kernels.js';
import { loadModel, zooModelDataset } from './engine/model-handle.js';
import { ModelPool } from './engine/pool/model-pool.js';
import { UserError } from './errors.js';
import { jobIndices, planJobs, type Job } from './plan.js';
import type { RegisteredPlugin } from './plugin.js';
import type { Progress } from './progress.js';
import { leaderboardRow, writeLeaderboard, type LeaderboardRow } from './results/leaderboard.js';
import type { Contradiction } from './ledger/contradictions.js';
import { addRunColumns } from '../metrics/run-columns.js';
import { RESULTS_CONTRACT, type SampleRecord } from './results/record.js';
import { ArtifactWriter } from './results/artifacts.js';
import { RecordsWriter } from './results/records-file.js';
import { gauntletVersion, gitCommit, hostCores, readRunInfo, writeRunInfo, type LeftOutJob, type RunInfo } from './results/run-info.js';
import { runJob, type Shard } from './run-job.js';
import type { ModelHandle } from './types.js';

export interface RunOptions {
  configFile: string;
  outDir: string;
  resume: boolean;
  backend?: BackendChoice;
  /** model worker threads (overrides the config) */
  workers?: number;
  /** run only this part of the work; `gauntlet merge` joins the parts */
  shard?: Shard;
  plugins: ReadonlyMap<string, RegisteredPlugin>;
  progress: Progress;
  /** abort to stop after the chunk under way (Ctrl-C); what is written stays written */
  interrupt: AbortSignal;
}

export interface RunResult {
  outDir: string;
  info: RunInfo;
  rows: LeaderboardRow[];
  /** validated adversarials closer than some plugin's unconditional lower bound (the claims ledger) */
  contradictions: Contradiction[];
}

export const RUN_FILES = { info: 'run.json', config: 'config.yaml', samples: 'samples.jsonl', leaderboard: 'leaderboard.csv' } as const;

/** Identifies the work a config asks for; the worker count changes speed, not records, so it is left out. */
export function configHash(experiment: Experiment): string {
  const { workers: _workers, ...work } = experiment;
  return shortHash(work, 16);
}

export async function runExperiment(experiment: Experiment, options: RunOptions): Promise<RunResult> {
  const { outDir } = options;
  const paths = {
    info: join(outDir, RUN_FILES.info),
    config: join(outDir, RUN_FILES.config),
    samples: join(outDir, RUN_FILES.samples),
    leaderboard: join(outDir, RUN_FILES.leaderboard),
  };
  const hash = configHash(experiment);
  const previous = existsSync(paths.info) ? readRunInfo(paths.info) : undefined;
  if (previous !== undefined && !options.resume) {
    throw new UserError(`${outDir} already holds a run; pass --resume to continue it or choose another --out`);
  }
  const shardText = options.shard === undefined ? null : `${options.shard.index + 1}/${options.shard.count}`;
  if (previous !== undefined && (previous.shard ?? null) !== shardText) {
    throw new UserError(`${outDir} holds shard ${previous.shard ?? 'none (a whole run)'}, not ${shardText ?? 'a whole run'}; resume it with the same --shard`);
  }
  if (previous !== undefined && previous.config_hash !== hash) {
    throw new UserError(`${outDir} was written by a different config (hash ${previous.config_hash}, this one ${hash}); resume needs the same config`);
  }

  const backendChoice = options.backend ?? experiment.backend;
  const backend = await selectBackend(backendChoice);
  const workers = options.workers ?? experiment.workers ?? defaultWorkers(backend.backend);
  // the calling thread computes only models too small for the pool, while the workers wait
  setNativeThreads(Math.max(1, workers));
  const local = await loadModels(experiment);
  const leftOut: LeftOutJob[] = [];
  const jobs = planJobs(experiment, { plugins: options.plugins, datasetOf: (ref) => (typeof ref === 'string' ? zooModelDataset(ref) : undefined) }).filter((job) => {
    const mismatch = capabilityMismatch(job.plugin, modelsOf(job, local));
    if (mismatch === undefined) return true;
    if (experiment.incompatible === 'error') throw new UserError(`${mismatch} (or set incompatible: skip to leave such jobs out)`);
    leftOut.push({ job: job.hash, model: modelRefName(job.model), attack: job.attack.id, reason: mismatch });
    return false;
  });
  for (const skip of leftOut) options.progress.log(`left out: ${skip.attack} on ${skip.model}: ${skip.reason}`);
  const pool = workers > 1 ? await ModelPool.start({ workers, backend: backendChoice, models: modelRefs(experiment) }) : undefined;
  const models = new Map([...local].map(([name, model]) => [name, pool?.handle(model) ?? model]));
  try {
    return await runWith(experiment, options, { backend, workers, jobs, leftOut, models, hash, previous, paths });
  } finally {
    await pool?.close();
  }
}

/** The native backends use every core themselves; wasm and cpu need one worker per core. */
function defaultWorkers(backend: string): number {
  return backend === 'wasm' || backend === 'cpu' ? hostCores() : 1;
}

/** The model under attack first, then the attack's extra models. */
function modelsOf(job: Job, models: Map<string, ModelHandle>): ModelHandle[] {
  return [job.model, ...(job.attack.models ?? [])].map((ref) => models.get(modelRefName(ref)) as ModelHandle);
}

interface Prepared {
  backend: Awaited<ReturnType<typeof selectBackend>>;
  workers: number;
  jobs: Job[];
  leftOut: LeftOutJob[];
  models: Map<string, ModelHandle>;
  hash: string;
  previous: RunInfo | undefined;
  paths: Record<keyof typeof RUN_FILES, string>;
}

async function runWith(experiment: Experiment, options: RunOptions, prepared: Prepared): Promise<RunResult> {
  const { outDir, progress } = options;
  const { backend, workers, jobs, leftOut, models, hash, previous, paths } = prepared;
  const { shard } = options;
  const datasets = await loadDatasets(experiment.data);
  const indicesOf = new Map(experiment.data.map((selection) => [selection, selectIndices(selection, datasetFor(datasets, selection))]));

  mkdirSync(outDir, { recursive: true });
  writeFileSync(paths.config, toYaml(experiment));
  const started = new Date().toISOString();
  const info: RunInfo = {
    contract: RESULTS_CONTRACT,
    gauntlet_version: gauntletVersion(),
    git_commit: gitCommit(),
    name: experiment.name,
    config_file: options.configFile,
    config_hash: hash,
    seed: experiment.seed,
    backend: backend.backend,
    backend_tried: backend.tried,
    kernels: backend.kernels,
    workers,
    jobs_left_out: leftOut,
    shard: shard === undefined ? null : `${shard.index + 1}/${shard.count}`,
    cores: hostCores(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    started: previous?.started ?? started,
    ended: null,
    status: 'running',
    sessions: [...(previous?.sessions ?? []), { started, ended: null, resumed: previous !== undefined }],
  };
  writeRunInfo(paths.info, info);

  const { writer, existing } = RecordsWriter.resume(paths.samples);
  const records: SampleRecord[] = [...existing];
  const doneOf = new Map<string, Set<number>>(jobs.map((job) => [job.hash, new Set<number>()]));
  for (const record of existing) doneOf.get(record.job)?.add(record.index);
  if (existing.length > 0) progress.log(`resuming: ${existing.length} records already in ${paths.samples}`);

  const artifacts = new ArtifactWriter(outDir);
  let status: RunInfo['status'] = 'failed';
  let rows: LeaderboardRow[] = [];
  let contradictions: Contradiction[] = [];
  try {
    for (const [k, job] of jobs.entries()) {
      if (options.interrupt.aborted) break;
      const data = datasetFor(datasets, job.data);
      const indices = jobIndices(job, indicesOf.get(job.data) as number[]);
      const done = doneOf.get(job.hash) as Set<number>;
      const remaining = indices.filter((i) => !done.has(i)).length;
      progress.job(`[${k + 1}/${jobs.length}] ${job.attack.id} on ${modelRefName(job.model)}`, shard === undefined ? remaining : Math.ceil(remaining / shard.count));
      await runJob({
        job,
        models: modelsOf(job, models),
        data,
        indices,
        done,
        shard,
        ordinal: k,
        seed: experiment.seed,
        sampleTimeoutMs: (job.attack.sample_timeout_s ?? experiment.limits.sample_timeout_s) * 1000,
        interrupt: options.interrupt,
        images: experiment.output.images,
        artifact: (artifact) => artifacts.write(job.hash, artifact),
        write: (record) => {
          writer.append(record);
          records.push(record);
          progress.tick();
        },
        log: (message) => progress.log(`${job.attack.id}: ${message}`),
      });
    }
    status = options.interrupt.aborted ? 'interrupted' : 'finished';
  } finally {
    progress.stop();
    await artifacts.flush();
    ({ rows, contradictions } = await writeRunLeaderboard(outDir, jobs.map((job) => ({ job, model: modelsOf(job, models)[0], data: datasetFor(datasets, job.data) })), records));
    const ended = new Date().toISOString();
    info.status = status;
    info.ended = ended;
    info.sessions[info.sessions.length - 1].ended = ended;
    writeRunInfo(paths.info, info);
  }
  return { outDir, info, rows, contradictions };
}

/**
 * leaderboard.csv of a run's records: the v1 columns per job, then the run-level columns (claims
 * ledger, metrics), which also writes the ledger's files. The runner and `gauntlet merge` share it.
 */
export async function writeRunLeaderboard(
  outDir: string,
  jobs: readonly { job: Job; model: ModelHandle; data: Dataset }[],
  records: readonly SampleRecord[],
): Promise<{ rows: LeaderboardRow[]; contradictions: Contradiction[] }> {
  const byJob = new Map<string, SampleRecord[]>(jobs.map(({ job }) => [job.hash, []]));
  for (const record of records) byJob.get(record.job)?.push(record);
  const rows = jobs.map(({ job, data }) => leaderboardRow(job, data.numClasses, byJob.get(job.hash) ?? []));
  const result = await addRunColumns(rows, { outDir, jobs, records });
  writeLeaderboard(join(outDir, RUN_FILES.leaderboard), result.rows);
  return result;
}

/** Every model the experiment names, once each. */
function modelRefs(experiment: Experiment): ModelRef[] {
  const refs = new Map<string, ModelRef>();
  for (const ref of experiment.models) refs.set(modelRefName(ref), ref);
  for (const attack of experiment.attacks) for (const ref of attack.models ?? []) refs.set(modelRefName(ref), ref);
  return [...refs.values()];
}

async function loadModels(experiment: Experiment): Promise<Map<string, ModelHandle>> {
  const models = new Map<string, ModelHandle>();
  for (const ref of modelRefs(experiment)) models.set(modelRefName(ref), await loadModel(ref));
  return models;
}

const datasetKey = (selection: DataSelection): string => `${selection.dataset}/${selection.split}`;

export async function loadDatasets(selections: readonly DataSelection[]): Promise<Map<string, Dataset>> {
  const datasets = new Map<string, Dataset>();
  for (const selection of selections) {
    const key = datasetKey(selection);
    if (!datasets.has(key)) datasets.set(key, await loadDataset(selection.dataset, selection.split));
  }
  return datasets;
}

export function datasetFor(datasets: Map<string, Dataset>, selection: DataSelection): Dataset {
  return datasets.get(datasetKey(selection)) as Dataset;
}

