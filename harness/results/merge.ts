// Joins the directories of `gauntlet run --shard i/n` into one run directory that holds what one
// unsharded run writes (timings aside): the same records in the same order, the same leaderboard.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { ConfigEnv } from '../config/load.js';
import { UserError } from '../errors.js';
import { modelRefName } from '../config/experiment.js';
import { loadModel } from '../engine/model-handle.js';
import { datasetFor, RUN_FILES, writeRunLeaderboard } from '../runner.js';
import type { ModelHandle } from '../types.js';
import type { LeaderboardRow } from './leaderboard.js';
import type { SampleRecord } from './record.js';
import { readRecords } from './records-file.js';
import { replanRun, type RunPlan } from './run-plan.js';
import { readRunInfo, writeRunInfo, type RunInfo } from './run-info.js';

export interface MergeOptions {
  dirs: readonly string[];
  outDir: string;
  env: ConfigEnv;
  /** warnings a user should see (differing hosts, renamed artifacts) */
  log(line: string): void;
}

export interface MergeResult {
  info: RunInfo;
  rows: LeaderboardRow[];
  records: number;
}

interface Shard {
  dir: string;
  info: RunInfo;
  /** 1-based, as run.json writes it */
  index: number;
  count: number;
}

export async function mergeShards(options: MergeOptions): Promise<MergeResult> {
  const shards = readShards(options.dirs);
  checkOneRun(shards);
  const out = resolve(options.outDir);
  if (shards.some((s) => resolve(s.dir) === out)) throw new UserError(`--out ${options.outDir} is one of the shards; expected a new directory`);
  if (existsSync(join(out, RUN_FILES.info))) throw new UserError(`--out ${options.outDir} already holds a run; expected a new or empty directory`);

  const first = shards[0];
  const collected = collectRecords(shards);
  const plan = await replanRun(first.dir, first.info.config_hash, options.env, (first.info.jobs_left_out ?? []).map((j) => j.job));
  const records = straightRunOrder(plan, collected);
  const info = mergedInfo(shards, options.log);
  if (info.status === 'finished') checkComplete(plan, records);

  mkdirSync(out, { recursive: true });
  copyFileSync(join(first.dir, RUN_FILES.config), join(out, RUN_FILES.config));
  writeFileSync(join(out, RUN_FILES.samples), records.map((r) => JSON.stringify(r) + '\n').join(''));
  const models = new Map<string, ModelHandle>();
  for (const job of plan.jobs) {
    const name = modelRefName(job.model);
    if (!models.has(name)) models.set(name, await loadModel(job.model));
  }
  const { rows } = await writeRunLeaderboard(
    out,
    plan.jobs.map((job) => ({ job, model: models.get(modelRefName(job.model)) as ModelHandle, data: datasetFor(plan.datasets, job.data) })),
    records,
  );
  for (const shard of shards) copyArtifacts(shard, out, options.log);
  // run.json last: a merge that fails half-way leaves no directory that looks like a run
  writeRunInfo(join(out, RUN_FILES.info), info);
  return { info, rows, records: records.length };
}

function readShards(dirs: readonly string[]): Shard[] {
  if (dirs.length === 0) throw new UserError('merge: no shard directories given; expected the directories of gauntlet run --shard 1/n … n/n');
  const shards = dirs.map((dir): Shard => {
    const path = join(dir, RUN_FILES.info);
    if (!existsSync(path)) throw new UserError(`${dir}: no ${RUN_FILES.info}; expected a directory written by gauntlet run --shard i/n`);
    const info = readRunInfo(path);
    const match = /^(\d+)\/(\d+)$/.exec(info.shard ?? '');
    if (match === null) throw new UserError(`${dir} holds a whole run, not a shard; expected directories written by gauntlet run --shard i/n`);
    return { dir, info, index: Number(match[1]), count: Number(match[2]) };
  });
  return shards.sort((a, b) => a.index - b.index);
}

/** Shards of one run: same gauntlet, same config, same n, each part exactly once. */
function checkOneRun(shards: readonly Shard[]): void {
  const first = shards[0];
  for (const shard of shards.slice(1)) {
    const differs = (what: string, a: string | number, b: string | number): UserError =>
      new UserError(`${shard.dir} has ${what} ${b} but ${first.dir} has ${a}; expected shards of one run`);
    if (shard.info.gauntlet_version !== first.info.gauntlet_version) throw differs('gauntlet_version', first.info.gauntlet_version, shard.info.gauntlet_version);
    if (shard.info.config_hash !== first.info.config_hash) throw differs('config_hash', first.info.config_hash, shard.info.config_hash);
    if (shard.count !== first.count) throw differs('shard count', first.count, shard.count);
  }
  for (let k = 1; k < shards.length; k++) {
    if (shards[k].index === shards[k - 1].index) throw new UserError(`shard ${shards[k].index}/${first.count} is given twice (${shards[k - 1].dir}, ${shards[k].dir}); expected each shard once`);
  }
  const present = new Set(shards.map((s) => s.index));
  const missing = Array.from({ length: first.count }, (_, k) => k + 1).filter((i) => !present.has(i));
  if (missing.length > 0) throw new UserError(`missing shard ${missing.map((i) => `${i}/${first.count}`).join(', ')}; expected all ${first.count} shards`);
}

function collectRecords(shards: readonly Shard[]): SampleRecord[] {
  const seen = new Map<string, Shard>();
  const records: SampleRecord[] = [];
  for (const shard of shards) {
    for (const record of readRecords(join(shard.dir, RUN_FILES.samples)).records) {
      const key = `${record.job}:${record.index}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        const where = earlier === shard ? `twice in shard ${shard.info.shard}` : `in shards ${earlier.info.shard} and ${shard.info.shard}`;
        throw new UserError(`sample ${record.index} of job ${record.job} is recorded ${where}; expected one record per (job, sample)`);
      }
      seen.set(key, shard);
      records.push(record);
    }
  }
  return records;
}

/**
 * The order one unsharded run writes: jobs in plan order; in each, the skipped samples first (they
 * are recorded while the job classifies its samples), then the attacked ones, each in selection order.
 */
function straightRunOrder(plan: RunPlan, records: readonly SampleRecord[]): SampleRecord[] {
  const jobOrder = new Map(plan.jobs.map((job, k) => [job.hash, k]));
  const positionOf = new Map<string, Map<number, number>>();
  for (const [job, indices] of plan.indicesOf) positionOf.set(job, new Map(indices.map((index, k) => [index, k])));
  const place = (r: SampleRecord): [number, number, number] => {
    const job = jobOrder.get(r.job);
    const position = positionOf.get(r.job)?.get(r.index);
    if (job === undefined || position === undefined) {
      throw new UserError(`a shard records sample ${r.index} of job ${r.job}, which the run's config.yaml does not plan; expected shards of one run`);
    }
    return [job, r.status === 'skipped' ? 0 : 1, position];
  };
  const keyed = records.map((r) => ({ r, key: place(r) }));
  keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
  return keyed.map(({ r }) => r);
}

/** Every shard finished, so every planned sample must have its record. */
function checkComplete(plan: RunPlan, records: readonly SampleRecord[]): void {
  const have = new Set(records.map((r) => `${r.job}:${r.index}`));
  for (const job of plan.jobs) {
    const missing = (plan.indicesOf.get(job.hash) ?? []).filter((index) => !have.has(`${job.hash}:${index}`));
    if (missing.length > 0) {
      throw new UserError(`every shard finished, yet job ${job.hash} (${job.attack.id}) has no record of ${missing.length} sample(s), e.g. ${missing[0]}; expected complete shards`);
    }
  }
}

const STATUS_PRECEDENCE: readonly RunInfo['status'][] = ['failed', 'running', 'interrupted', 'finished'];

function mergedInfo(shards: readonly Shard[], log: (line: string) => void): RunInfo {
  const first = shards[0].info;
  for (const key of ['git_commit', 'backend', 'workers', 'cores', 'node', 'platform'] as const) {
    const values = new Set(shards.map((s) => String(s.info[key])));
    if (values.size > 1) log(`warning: shards differ in ${key} (${[...values].join(', ')}); run.json keeps shard 1's`);
  }
  const ends = shards.map((s) => s.info.ended);
  return {
    ...first,
    shard: null,
    started: shards.map((s) => s.info.started).sort()[0],
    ended: ends.includes(null) ? null : (ends as string[]).sort().at(-1) ?? null,
    status: STATUS_PRECEDENCE.find((status) => shards.some((s) => s.info.status === status)) ?? 'failed',
    sessions: shards.flatMap((s) => s.info.sessions),
  };
}

/** artifacts/<job>/<file> of every shard; a name two shards both wrote with different bytes keeps both. */
function copyArtifacts(shard: Shard, out: string, log: (line: string) => void): void {
  const root = join(shard.dir, 'artifacts');
  if (!existsSync(root)) return;
  for (const job of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    const target = join(out, 'artifacts', job.name);
    mkdirSync(target, { recursive: true });
    for (const file of readdirSync(join(root, job.name), { withFileTypes: true }).filter((e) => e.isFile())) {
      const source = join(root, job.name, file.name);
      let destination = join(target, file.name);
      if (existsSync(destination)) {
        if (readFileSync(destination).equals(readFileSync(source))) continue;
        const ext = extname(file.name);
        const renamed = `${file.name.slice(0, file.name.length - ext.length)}.shard${shard.index}of${shard.count}${ext}`;
        log(`warning: artifacts/${job.name}/${file.name} differs between shards; shard ${shard.index}'s is kept as ${renamed}`);
        destination = join(target, renamed);
      }
      copyFileSync(source, destination);
    }
  }
}
