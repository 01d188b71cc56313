// The conformance kit: what every plugin must honour whatever it does inside, checked on any model.
// It reports problems instead of throwing so that one run lists them all.
import { isDeepStrictEqual } from 'node:util';
import { capabilityMismatch } from '../../harness/capabilities.js';
import type { RegisteredPlugin } from '../../harness/plugin.js';
import type { ModelHandle, SampleOutcome, ThreatModel } from '../../harness/types.js';
import { validateClaims } from '../../harness/validate.js';
import { byIndex, correctlyClassified, runPlugin, StillRunningError, type LabelledSample } from './run-plugin.js';

export interface ConformanceOptions {
  /** how long a plugin may take to wind down once its signal is aborted (the runner's grace period) */
  abortGraceMs?: number;
  seed?: number;
  /** models given to plugins that need several, after `model` */
  extraModels?: readonly ModelHandle[];
}

export type ConformanceReport =
  | { skipped: string }
  | {
      skipped?: undefined;
      /** samples the model classifies correctly: the ones the plugin ran on */
      samples: number;
      /** outcomes of the first run, by sample index */
      outcomes: SampleOutcome[];
      statuses: Partial<Record<SampleOutcome['status'], number>>;
      /** empty when the plugin conforms */
      problems: string[];
    };

const STATUSES = new Set<string>(['adversarial', 'not_found', 'robust', 'error', 'timeout']);
const NORMS = new Set<string>(['l0', 'l1', 'l2', 'linf']);
const UNKNOWN_KEY = '__conformance_unknown_key__';

export async function checkPluginConformance(
  plugin: RegisteredPlugin,
  model: ModelHandle,
  samples: readonly LabelledSample[],
  params: Record<string, unknown> = {},
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  // extra models are only handed to plugins that need several; others are judged on `model` alone
  const extraModels = plugin.needs.includes('several-models') ? (options.extraModels ?? []) : [];
  const mismatch = capabilityMismatch(plugin, [model, ...extraModels]);
  if (mismatch !== undefined) return { skipped: mismatch };

  const problems: string[] = [];
  if (!plugin.params.safeParse({}).success) problems.push('params do not parse from {}: every param needs a default');
  if (plugin.params.safeParse({ ...params, [UNKNOWN_KEY]: 1 }).success) problems.push('params accept an unknown key: make the schema strict so typos in configs are errors');
  const parsed = plugin.params.parse(params);
  const threat = plugin.threat(parsed);
  const threatProblem = malformedThreat(threat);
  if (threatProblem !== undefined) problems.push(threatProblem);
  const chunkSize = plugin.chunkSize(parsed);
  if (!Number.isInteger(chunkSize) || chunkSize < 1) problems.push(`chunkSize is ${chunkSize}, expected a positive integer`);

  const kept = await correctlyClassified(model, samples);
  if (kept.length === 0) throw new Error(`conformance: ${model.name} misclassifies all ${samples.length} samples given`);
  const run = (signal: AbortSignal, onOutcome?: () => void) =>
    runPlugin({
      plugin,
      model,
      samples: kept,
      params: parsed,
      chunkSize: Number.isInteger(chunkSize) && chunkSize >= 1 ? chunkSize : 1,
      signal,
      onOutcome,
      seed: options.seed,
      abortGraceMs: options.abortGraceMs,
      extraModels,
    });

  const first = byIndex(await run(new AbortController().signal));
  problems.push(...shapeProblems(first, kept, 'run'));
  problems.push(...(await claimProblems(model, first, kept, threat, 'run')));
  for (const o of first) {
    if (o.status === 'error') problems.push(`run: sample ${o.index} failed: ${o.message}`);
  }
  const reference = new Map(first.map((o) => [o.index, o]));

  const second = byIndex(await run(new AbortController().signal));
  if (!isDeepStrictEqual(second, first)) {
    const changed = kept.filter((s) => !isDeepStrictEqual(second.find((o) => o.index === s.index), reference.get(s.index)));
    problems.push(`not deterministic: a second run with the same seeds differs on samples ${changed.map((s) => s.index).join(', ')}`);
  }

  const aborted = new AbortController();
  aborted.abort();
  problems.push(...(await abortProblems(() => run(aborted.signal), kept, reference, 'abort before start')));
  const midway = new AbortController();
  problems.push(...(await abortProblems(() => run(midway.signal, () => midway.abort()), kept, reference, 'abort after the first outcome')));

  const statuses: Partial<Record<SampleOutcome['status'], number>> = {};
  for (const o of first) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
  return { samples: kept.length, outcomes: first, statuses, problems };
}

function malformedThreat(threat: ThreatModel): string | undefined {
  if (threat.norm === 'unbounded') return undefined;
  if (!NORMS.has(threat.norm)) return `threat norm '${threat.norm}' is none of l0, l1, l2, linf, unbounded`;
  if (typeof threat.budget !== 'number' || !Number.isFinite(threat.budget) || threat.budget < 0) {
    return `threat budget ${threat.budget} is not a finite number ≥ 0`;
  }
  return undefined;
}

/** Exactly one outcome per sample, for samples it was given, each well-formed and recordable. */
function shapeProblems(outcomes: readonly SampleOutcome[], samples: readonly LabelledSample[], phase: string): string[] {
  const problems: string[] = [];
  const given = new Set(samples.map((s) => s.index));
  const seen = new Set<number>();
  for (const o of outcomes) {
    if (!given.has(o.index)) problems.push(`${phase}: outcome for sample ${o.index}, which the plugin was not given`);
    else if (seen.has(o.index)) problems.push(`${phase}: two outcomes for sample ${o.index}`);
    seen.add(o.index);
    if (!STATUSES.has(o.status)) problems.push(`${phase}: sample ${o.index} has unknown status '${o.status}'`);
    if (o.status === 'adversarial' && !(o.adversarial instanceof Float32Array)) problems.push(`${phase}: sample ${o.index}: adversarial is not a Float32Array`);
    if (o.status === 'robust' && (typeof o.region !== 'string' || o.region.trim() === '')) problems.push(`${phase}: sample ${o.index} is 'robust' without a region`);
    if ((o.status === 'error' || o.status === 'timeout') && (typeof o.message !== 'string' || o.message === '')) {
      problems.push(`${phase}: sample ${o.index} is '${o.status}' without a message`);
    }
    if (o.details !== undefined && !isDeepStrictEqual(JSON.parse(JSON.stringify(o.details)), o.details)) {
      problems.push(`${phase}: sample ${o.index}: details do not survive JSON (${JSON.stringify(o.details)}): records would change them`);
    }
  }
  const missing = samples.filter((s) => !seen.has(s.index)).map((s) => s.index);
  if (missing.length > 0) problems.push(`${phase}: no outcome for samples ${missing.join(', ')}`);
  return problems;
}

async function claimProblems(
  model: ModelHandle,
  outcomes: readonly SampleOutcome[],
  samples: readonly LabelledSample[],
  threat: ThreatModel,
  phase: string,
): Promise<string[]> {
  const byIndexMap = new Map(samples.map((s) => [s.index, s]));
  // the outcome's own adversarial and its further examples alike
  const claimed = outcomes.flatMap((o) => {
    const s = byIndexMap.get(o.index);
    if (s === undefined) return [];
    const own = o.status === 'adversarial' && o.adversarial instanceof Float32Array ? [{ o, s, what: 'claimed adversarial', adversarial: o.adversarial, target: o.target }] : [];
    const further = (o.examples ?? []).map((e, k) => ({ o, s, what: `further example ${k}`, adversarial: e.adversarial, target: e.target }));
    return [...own, ...further];
  });
  const verdicts = await validateClaims(
    model,
    claimed.map(({ s, adversarial, target }) => ({ original: s.x, adversarial, label: s.label, target })),
    threat,
  );
  return verdicts.flatMap((v, k) => (v.valid ? [] : [`${phase}: sample ${claimed[k].o.index}: ${claimed[k].what} is invalid: ${v.reason}`]));
}

/** After an abort a plugin stops in time, still answers every sample, and reports as finished only what it finished. */
async function abortProblems(
  run: () => Promise<SampleOutcome[]>,
  samples: readonly LabelledSample[],
  reference: ReadonlyMap<number, SampleOutcome>,
  phase: string,
): Promise<string[]> {
  let outcomes: SampleOutcome[];
  try {
    outcomes = await run();
  } catch (error) {
    if (error instanceof StillRunningError) return [`${phase}: ${error.message}`];
    throw error;
  }
  const problems = shapeProblems(outcomes, samples, phase);
  for (const o of byIndex(outcomes)) {
    if (o.status !== 'timeout' && o.status !== 'error' && !isDeepStrictEqual(o, reference.get(o.index))) {
      problems.push(`${phase}: sample ${o.index} reported '${o.status}' but differs from the unaborted run: an interrupted search must say 'timeout'`);
    }
  }
  return problems;
}
