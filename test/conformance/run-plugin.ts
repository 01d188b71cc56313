// Runs a registered plugin the way the runner does (chunks, one rng per sample seeded from the sample
// index, a grace period after an abort), but in memory: tests see the outcomes themselves, not records.
import type { RegisteredPlugin } from '../../harness/plugin.js';
import { createRng } from '../../harness/rng.js';
import type { ModelHandle, SampleInput, SampleOutcome } from '../../harness/types.js';

export interface LabelledSample {
  index: number;
  x: Float32Array;
  label: number;
}

export interface PluginRun {
  plugin: RegisteredPlugin;
  model: ModelHandle;
  /** the further models of plugins that need several (the runner's ctx.models after the first) */
  extraModels?: readonly ModelHandle[];
  /** samples the model classifies correctly (see correctlyClassified) */
  samples: readonly LabelledSample[];
  /** already parsed by plugin.params */
  params: unknown;
  /** defaults to plugin.chunkSize(params) */
  chunkSize?: number;
  signal?: AbortSignal;
  seed?: number;
  /** called after each outcome, e.g. to abort mid-run */
  onOutcome?: (outcome: SampleOutcome) => void;
  /** how long the plugin may run on once the signal is aborted (the runner's grace period) */
  abortGraceMs?: number;
}

/** The plugin ignored an abort for longer than its grace period. */
export class StillRunningError extends Error {
  constructor(
    readonly graceMs: number,
    readonly outcomes: readonly SampleOutcome[],
  ) {
    super(`still running ${graceMs} ms after the abort`);
    this.name = 'StillRunningError';
  }
}

/** Every outcome of every chunk, in the order the plugin yielded them. */
export async function runPlugin(run: PluginRun): Promise<SampleOutcome[]> {
  const chunkSize = run.chunkSize ?? Math.max(1, Math.floor(run.plugin.chunkSize(run.params)));
  const signal = run.signal ?? new AbortController().signal;
  const graceMs = run.abortGraceMs ?? 2000;
  let abortedAt = signal.aborted ? performance.now() : undefined;
  signal.addEventListener('abort', () => (abortedAt = performance.now()), { once: true });
  const outcomes: SampleOutcome[] = [];
  for (let start = 0; start < run.samples.length; start += chunkSize) {
    const chunk = run.samples.slice(start, start + chunkSize).map(
      ({ index, x, label }): SampleInput => ({ index, x, label, prediction: label, rng: createRng(run.seed ?? 0, run.plugin.id, index) }),
    );
    const ctx = {
      params: run.params,
      model: run.model,
      models: [run.model, ...(run.extraModels ?? [])],
      samples: chunk,
      dataset: { name: 'test', inputShape: run.model.inputShape, numClasses: run.model.numClasses },
      signal,
      solverCalls: { add: () => undefined },
      offModelForward: { add: () => undefined },
      images: false,
      artifact: () => undefined,
      log: () => undefined,
    };
    const iterator = run.plugin.run(ctx)[Symbol.asyncIterator]();
    for (;;) {
      const step = await nextBefore(iterator, abortedAt === undefined ? undefined : abortedAt + graceMs);
      if (step === 'deadline') {
        void iterator.return?.();
        throw new StillRunningError(graceMs, outcomes);
      }
      if (step.done === true) break;
      outcomes.push(step.value);
      run.onOutcome?.(step.value);
    }
  }
  return outcomes;
}

/** The iterator's next result, or 'deadline' once performance.now() passes `deadline`. */
async function nextBefore(iterator: AsyncIterator<SampleOutcome>, deadline: number | undefined): Promise<IteratorResult<SampleOutcome> | 'deadline'> {
  if (deadline === undefined) return iterator.next();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([iterator.next(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The samples the model gets right, as the runner keeps them (it skips the others). */
export async function correctlyClassified(model: ModelHandle, samples: readonly LabelledSample[]): Promise<LabelledSample[]> {
  if (samples.length === 0) return [];
  const batch = new Float32Array(samples.length * model.inputSize);
  samples.forEach((s, n) => batch.set(s.x, n * model.inputSize));
  const predictions = await model.classify(batch);
  return samples.filter((s, n) => predictions[n] === s.label);
}

/** Outcomes ordered by sample index, for comparing runs whose yield order may differ. */
export function byIndex(outcomes: readonly SampleOutcome[]): SampleOutcome[] {
  return [...outcomes].sort((a, b) => a.index - b.index);
}
