// The typed experiment the config loader produces and the planner consumes (defaults filled).
export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const DATASETS = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];
export type Split = 'train' | 'test';

/** Which samples of a split to use: exactly one of samples (first n from offset), indices, per_class. */
export interface DataSelection {
  dataset: DatasetName;
  split: Split;
  samples?: number;
  offset?: number;
  indices?: number[];
  per_class?: number;
}

/** A zoo model by name, or any tfjs LayersModel by the path to its model.json (kept as written). */
export type ModelRef = string | { path: string };

export interface AttackSpec {
  id: string;
  /** params after the plugin's own schema parsed them (defaults filled) */
  params: Record<string, unknown>;
  /** extra models for plugins that need several (DeepXplore); the job's model comes first */
  models?: ModelRef[];
  /** run this attack on the first n samples of each selection only (slow solvers in a suite) */
  max_samples?: number;
  /** this attack's own per-sample budget, instead of limits.sample_timeout_s */
  sample_timeout_s?: number;
}

export interface Limits {
  /** wall-clock budget per sample; a chunk of n samples gets n times this */
  sample_timeout_s: number;
}

export interface OutputOptions {
  /** let plugins write PNGs (saliency maps, plots) under <run>/artifacts/ */
  images: boolean;
}

export interface Experiment {
  name: string;
  seed: number;
  backend: BackendChoice;
  /** model worker threads; absent: one per core on wasm/cpu, none on the native backends */
  workers?: number;
  data: DataSelection[];
  models: ModelRef[];
  attacks: AttackSpec[];
  limits: Limits;
  /** a (model, attack) pair whose capabilities do not match: stop before running (error), or leave that job out (skip) */
  incompatible: 'error' | 'skip';
  output: OutputOptions;
}

export function modelRefName(ref: ModelRef): string {
  return typeof ref === 'string' ? ref : ref.path;
}
