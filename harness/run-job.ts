// Runs one job: skips misclassified samples, hands the plugin chunks of samples under a deadline,
// validates every claim, and writes one record per sample when its chunk ends.
import { modelRefName } from './config/experiment.js';
import { meteredModel, zeroCost, type CostCounters } from './metered-model.js';
import type { Job } from './plan.js';
import { createRng } from './rng.js';
import { float32ToJson, type ExampleRecord, type SampleRecord } from './results/record.js';
import type { Artifact, AttackContext, ModelHandle, SampleInput, SampleOutcome } from './types.js';
import { validateClaims, type Claim } from './validate.js';

/** What run-job needs of a dataset split. */
export interface SampleSource {
  readonly name: string;
  readonly split: string;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly labels: ArrayLike<number>;
  sample(index: number): Float32Array;
}

export interface JobRun {
  job: Job;
  /** the model under attack first, then the attack's extra models */
  models: readonly ModelHandle[];
  data: SampleSource;
  /** every sample the job covers, in order */
  indices: readonly number[];
  /** samples already recorded (resume): not run again */
  done: ReadonlySet<number>;
  /** run only this part of the work (gauntlet run --shard i/n); `ordinal` is the job's place in the plan */
  shard?: Shard;
  ordinal: number;
  seed: number;
  sampleTimeoutMs: number;
  /** aborted on Ctrl-C / SIGTERM: the chunk under way is dropped, to be redone on resume */
  interrupt: AbortSignal;
  /** output.images of the experiment */
  images: boolean;
  artifact(artifact: Artifact): void;
  write(record: SampleRecord): void;
  log(message: string): void;
}

/** Part `index` (0-based) of `count` equal parts of a run's work. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Work is cut into the same chunks whatever is resumed or sharded: the chunks of a job are fixed
 * by its correctly classified samples and the plugin's chunk size, and a shard takes every n-th
 * chunk (and every n-th skipped sample). So a resumed or merged run holds the same records, costs
 * included, as one run straight through.
 */
function mine(shard: Shard | undefined, ordinal: number, position: number): boolean {
  return shard === undefined || (ordinal + position) % shard.count === shard.index;
}

/** Time the plugin gets, after its deadline, to notice the abort and wind down. */
const GRACE_MS = 2000;

export async function runJob(run: JobRun): Promise<void> {
  const { job, data } = run;
  const model = run.models[0];
  const base = {
    job: job.hash,
    dataset: data.name,
    split: data.split,
    model: modelRefName(job.model),
    attack: job.attack.id,
  };
  const predictions = await classifyAll(model, data, run.indices);
  const attackable: { index: number; prediction: number }[] = [];
  let skipped = 0;
  run.indices.forEach((index, k) => {
    const label = data.labels[index];
    if (predictions[k] === label) {
      attackable.push({ index, prediction: predictions[k] });
    } else if (mine(run.shard, run.ordinal, skipped++) && !run.done.has(index)) {
      run.write({ ...base, ...emptyResult(), index, label, prediction: predictions[k], status: 'skipped', message: 'the model already misclassifies this sample' });
    }
  });

  const chunkSize = Math.max(1, Math.floor(job.plugin.chunkSize(job.attack.params)));
  for (let start = 0; start < attackable.length; start += chunkSize) {
    if (run.interrupt.aborted) return;
    if (!mine(run.shard, run.ordinal, start / chunkSize)) continue;
    const chunk = attackable
      .slice(start, start + chunkSize)
      .filter(({ index }) => !run.done.has(index))
      .map(({ index, prediction }): SampleInput => ({ index, x: data.sample(index), label: data.labels[index], prediction, rng: createRng(run.seed, job.hash, index) }));
    if (chunk.length === 0) continue;
    const counters = zeroCost();
    const began = performance.now();
    const outcomes = await runChunk(run, chunk, counters);
    if (run.interrupt.aborted) return;
    const elapsed = performance.now() - began;
    const records = await toRecords(run, chunk, outcomes, counters, elapsed);
    for (const record of records) run.write({ ...base, ...record });
  }
}

async function classifyAll(model: ModelHandle, data: SampleSource, indices: readonly number[]): Promise<Int32Array> {
  const batch = new Float32Array(indices.length * model.inputSize);
  indices.forEach((index, k) => batch.set(data.sample(index), k * model.inputSize));
  return model.classify(batch);
}

/** Collects the plugin's outcomes for a chunk; a throw or a missed deadline ends it early. */
async function runChunk(run: JobRun, chunk: readonly SampleInput[], counters: CostCounters): Promise<Map<number, SampleOutcome>> {
  const { job } = run;
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort(run.interrupt.reason);
  run.interrupt.addEventListener('abort', onInterrupt);
  const budgetMs = run.sampleTimeoutMs * chunk.length;
  const ctx: AttackContext<unknown> = {
    params: job.attack.params,
    model: meteredModel(run.models[0], counters),
    models: run.models.map((m) => meteredModel(m, counters)),
    samples: chunk,
    solverCalls: { add: (count = 1) => void (counters.solver_calls += count) },
    offModelForward: { add: (images) => void (counters.forward += images) },
    dataset: { name: run.data.name, inputShape: run.data.inputShape, numClasses: run.data.numClasses },
    signal: controller.signal,
    images: run.images,
    artifact: run.artifact,
    log: run.log,
  };
  const wanted = new Set(chunk.map((s) => s.index));
  const outcomes = new Map<number, SampleOutcome>();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('deadline'));
      setTimeout(() => resolve('deadline'), GRACE_MS).unref();
    }, budgetMs);
    timer.unref();
  });
  const iterator = job.plugin.run(ctx)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await Promise.race([iterator.next(), deadline]);
      if (step === 'deadline') {
        await settleWithin(iterator.return?.(), GRACE_MS);
        fillMissing(chunk, outcomes, { status: 'timeout', message: `no outcome within the budget of ${(budgetMs / 1000).toFixed(1)} s for ${chunk.length} sample(s)` });
        break;
      }
      if (step.done === true) {
        fillMissing(chunk, outcomes, { status: 'error', message: `${job.plugin.id} ended without an outcome for this sample` });
        break;
      }
      const outcome = step.value;
      if (!wanted.has(outcome.index)) {
        run.log(`${job.plugin.id} reported sample ${outcome.index}, which it was not given; ignored`);
      } else if (outcomes.has(outcome.index)) {
        run.log(`${job.plugin.id} reported sample ${outcome.index} twice; the first outcome counts`);
      } else {
        outcomes.set(outcome.index, outcome);
      }
      if (outcomes.size === chunk.length) {
        // let the plugin's cleanup (finally blocks, solver shutdown) finish before the next chunk starts
        await settleWithin(iterator.return?.(), GRACE_MS);
        break;
      }
    }
  } catch (error) {
    fillMissing(chunk, outcomes, { status: 'error', message: `${job.plugin.id} threw: ${errorMessage(error)}` });
  } finally {
    clearTimeout(timer);
    run.interrupt.removeEventListener('abort', onInterrupt);
  }
  return outcomes;
}

/** Waits for a promise, but no longer than `ms`, and never throws: used for a plugin's cleanup. */
async function settleWithin(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (promise === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.then(() => undefined, () => undefined), late]);
  clearTimeout(timer);
}

function fillMissing(chunk: readonly SampleInput[], outcomes: Map<number, SampleOutcome>, fill: { status: 'error' | 'timeout'; message: string }): void {
  for (const sample of chunk) if (!outcomes.has(sample.index)) outcomes.set(sample.index, { ...fill, index: sample.index });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type RecordBody = Omit<SampleRecord, 'job' | 'dataset' | 'split' | 'model' | 'attack'>;

function emptyResult(): Omit<RecordBody, 'index' | 'label' | 'prediction' | 'status'> {
  return {
    adversarial: null,
    adversarial_prediction: null,
    target: null,
    distances: null,
    message: null,
    region: null,
    time_ms: 0,
    cost: zeroCost(),
    claims: [],
    details: {},
  };
}

/** Validates the chunk's claims in one batch; the chunk's time and cost are shared equally by its samples. */
async function toRecords(
  run: JobRun,
  chunk: readonly SampleInput[],
  outcomes: Map<number, SampleOutcome>,
  counters: CostCounters,
  elapsedMs: number,
): Promise<RecordBody[]> {
  const share = (v: number): number => v / chunk.length;
  const claims: Claim[] = [];
  const claimOf = new Map<number, number>();
  // further examples are checked in the same batch, exactly as the sample's own adversarial
  const examplesOf = new Map<number, number[]>();
  for (const sample of chunk) {
    const outcome = outcomes.get(sample.index);
    if (outcome?.status === 'adversarial') {
      claimOf.set(sample.index, claims.length);
      claims.push({ original: sample.x, adversarial: outcome.adversarial, label: sample.label, target: outcome.target });
    }
    const examples = outcome?.examples ?? [];
    if (examples.length > 0) {
      examplesOf.set(sample.index, examples.map((_, k) => claims.length + k));
      for (const e of examples) claims.push({ original: sample.x, adversarial: e.adversarial, label: sample.label, target: e.target });
    }
  }
  const threat = run.job.plugin.threat(run.job.attack.params);
  const verdicts = claims.length > 0 ? await validateClaims(run.models[0], claims, threat) : [];
  const exampleRecords = (index: number, outcome: SampleOutcome): { examples?: ExampleRecord[] } => {
    const places = examplesOf.get(index);
    if (places === undefined) return {};
    const given = outcome.examples ?? [];
    return {
      examples: places.map((place, k): ExampleRecord => {
        const verdict = verdicts[place];
        const note = given[k].note;
        return {
          target: given[k].target ?? null,
          valid: verdict.valid,
          prediction: verdict.prediction,
          distances: verdict.distances,
          ...(verdict.valid ? {} : { reason: verdict.reason }),
          ...(note === undefined ? {} : { note }),
        };
      }),
    };
  };
  return chunk.map((sample): RecordBody => {
    const outcome = outcomes.get(sample.index) as SampleOutcome;
    const common = {
      ...emptyResult(),
      index: sample.index,
      label: sample.label,
      prediction: sample.prediction,
      time_ms: share(elapsedMs),
      cost: { forward: share(counters.forward), gradient: share(counters.gradient), solver_calls: share(counters.solver_calls) },
      claims: outcome.claims ?? [],
      details: outcome.details ?? {},
      ...exampleRecords(sample.index, outcome),
    };
    switch (outcome.status) {
      case 'adversarial': {
        const verdict = verdicts[claimOf.get(sample.index) as number];
        return {
          ...common,
          status: verdict.valid ? 'adversarial' : 'invalid',
          adversarial: isFiniteLength(outcome.adversarial, sample.x.length) ? float32ToJson(outcome.adversarial) : null,
          adversarial_prediction: verdict.prediction,
          target: outcome.target ?? null,
          distances: verdict.distances,
          message: verdict.valid ? null : verdict.reason,
        };
      }
      case 'robust':
        return { ...common, status: 'robust', region: outcome.region };
      case 'not_found':
        return { ...common, status: 'not_found' };
      case 'error':
      case 'timeout':
        return { ...common, status: outcome.status, message: outcome.message };
    }
  });
}

/** Keeps a rejected claim's input in the record only when it is JSON-representable. */
function isFiniteLength(values: Float32Array, length: number): boolean {
  return values.length === length && values.every(Number.isFinite);
}
