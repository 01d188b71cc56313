// The contracts every module of gauntlet builds on: the model a plugin queries, the plugin
// itself, and the outcomes it reports. Result files derive from these (see results/record.ts).
import type { z } from 'zod';
import type { PiecewiseLinearNet } from './piecewise/affine-view.js';

export type Norm = 'l0' | 'l1' | 'l2' | 'linf';

/** What a plugin promises about the distance of its adversarials; the harness checks it. */
export type ThreatModel = { norm: Norm; budget: number } | { norm: 'unbounded' };

/**
 * What a plugin needs from the models it runs on. Checked before anything runs.
 * - gradients: input gradients of a loss (every tfjs model has them)
 * - piecewise-linear: the model is Dense/Conv2D/Flatten with ReLU or linear activations only
 * - several-models: the job hands the plugin more than one model (DeepXplore)
 */
export type Capability = 'gradients' | 'piecewise-linear' | 'several-models';

export type PluginKind = 'attack' | 'testgen' | 'verifier';

/** `weight` × the value of neuron `unit` of neuron layer `layer` (an index into ModelHandle.neuronLayers). */
export interface NeuronTerm {
  layer: number;
  unit: number;
  weight: number;
}

/** Losses the engine can differentiate w.r.t. the input; serialisable so worker threads can run them. */
export type LossSpec =
  /** softmax cross-entropy of the logits against `labels` (ascend it to leave the label) */
  | { kind: 'cross-entropy'; labels: Int32Array }
  /** max_{j≠label} z_j − z_label, or z_target − z_label when targets are given (ascend it) */
  | { kind: 'margin'; labels: Int32Array; targets?: Int32Array }
  /**
   * Σ_k logitWeights[i·numClasses + k]·z_k + Σ_{t ∈ neurons[i]} t.weight·neuron_t(x_i): the objectives of
   * coverage-guided generators (DeepXplore's disagreement + coverage, DLFuzz's), one per sample.
   * `logitWeights` is [batch × numClasses]; `neurons` has one list of terms per sample.
   */
  | { kind: 'objective'; logitWeights: Float32Array; neurons: readonly (readonly NeuronTerm[])[] };

/**
 * A layer whose units are the neurons of coverage criteria: a Dense unit, or a Conv2D channel whose
 * value is the spatial mean of its post-activation feature map (as in DeepXplore and DLFuzz).
 */
export interface NeuronLayer {
  name: string;
  className: string;
  units: number;
  /** mean of the kernel weights feeding each unit: DLFuzz's 'top-weight' neuron selection ranks by it */
  weightMeans: readonly number[];
}

/** Summary of one layer, enough to check capabilities and print architectures. */
export interface LayerSummary {
  name: string;
  className: string;
  activation?: string;
  outputShape: number[];
  params: number;
}

/** What ModelHandle.inputGradient returns, row-major per sample. */
export interface InputGradient {
  gradient: Float32Array;
  loss: Float32Array;
  logits: Float32Array;
}

/**
 * A loaded model as plugins see it. All tensors are flattened Float32Arrays in the model's
 * input layout (NHWC for images); the batch size is `x.length / inputSize`.
 * Every call is counted by the harness (forward images, gradient images).
 */
export interface ModelHandle {
  /** zoo name, or the path exactly as the config gave it */
  readonly name: string;
  /** per-sample input shape, e.g. [28, 28, 1] */
  readonly inputShape: readonly number[];
  readonly inputSize: number;
  readonly numClasses: number;
  readonly layers: readonly LayerSummary[];
  /** logits, row-major [batch, numClasses] */
  predict(x: Float32Array): Promise<Float32Array>;
  /** argmax of the logits per sample */
  classify(x: Float32Array): Promise<Int32Array>;
  /**
   * d loss_i / d x_i per sample (the loss of each sample depends only on its own input), the losses,
   * and the logits [batch, numClasses] of the same forward pass: a gradient step needs no second
   * forward pass to see where its input stands.
   */
  inputGradient(x: Float32Array, loss: LossSpec): Promise<InputGradient>;
  /** every Dense and Conv2D layer, in model order: the neurons that coverage criteria count */
  readonly neuronLayers: readonly NeuronLayer[];
  /** per neuron layer, its post-activation values [batch × units] (a conv channel: the mean of its feature map) */
  activations(x: Float32Array): Promise<Float32Array[]>;
  /**
   * The network as affine maps each followed by ReLU or not (harness/piecewise/affine-view.ts), read
   * once and cached; throws a UserError naming the layer when the model is not a ReLU network.
   */
  piecewiseLinear(): PiecewiseLinearNet;
}

/** A deterministic pseudo-random stream. */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform integer in [0, n) */
  int(n: number): number;
  /** standard normal */
  normal(): number;
}

/** One sample as handed to a plugin: the model already classifies it correctly. */
export interface SampleInput {
  /** index in the dataset split */
  readonly index: number;
  readonly x: Float32Array;
  readonly label: number;
  /** the model's prediction on x (equals label: misclassified samples are skipped) */
  readonly prediction: number;
  /** a stream seeded from (run seed, job, sample index): same records whatever the chunking */
  readonly rng: Rng;
}

/** A file a plugin asks the harness to write under <run>/artifacts/<job>/ (plugins never write files). */
export type Artifact =
  /** 8-bit image, row-major, `channels` values per pixel */
  | { kind: 'png'; name: string; width: number; height: number; channels: 1 | 3; pixels: Uint8Array }
  | {
      kind: 'csv';
      name: string;
      rows: Record<string, string | number>[];
      /**
       * a column naming the chunk these rows describe: the file then covers the whole job, rows of
       * other chunks already in it kept ahead of these, rows of this chunk (a chunk redone) replaced
       */
      chunkColumn?: string;
    };

export interface SolverCallCounter {
  add(count?: number): void;
}

/** Images a plugin evaluated without the model handle, which the harness cannot see for itself. */
export interface QueryCounter {
  add(images: number): void;
}

export interface AttackContext<P> {
  readonly params: P;
  /** the model under attack */
  readonly model: ModelHandle;
  /** every model of the job (length 1 unless the plugin needs 'several-models') */
  readonly models: readonly ModelHandle[];
  readonly samples: readonly SampleInput[];
  readonly dataset: { readonly name: string; readonly inputShape: readonly number[]; readonly numClasses: number };
  /** solver adapters (harness/solvers/) report each LP/MILP/SMT query here, so solver cost is counted like model queries */
  readonly solverCalls: SolverCallCounter;
  /**
   * Forward queries the plugin answered exactly without calling `model` (L0-TRE's incremental replay
   * from cached activations): one per image whose logits (or hidden units) it computed so. They go into
   * cost.forward like the model's own, so every plugin's queries count alike; queries that went through
   * `model` are counted already and must not be reported again.
   */
  readonly offModelForward: QueryCounter;
  /** aborted when the chunk's time is up or the run is interrupted; long loops should check it */
  readonly signal: AbortSignal;
  /** whether the experiment asked for images (output.images): skip rendering PNGs otherwise */
  readonly images: boolean;
  /** hands the harness a file to write; `name` is a plain file name, e.g. `saliency-17.png` */
  artifact(artifact: Artifact): void;
  log(message: string): void;
}

/**
 * A statement about every adversarial of a sample, which the claims ledger checks against every
 * other plugin's validated adversarials: each x' the model labels differently (as `target`, when
 * given) lies at distance >= `value` from x (> `value` when `strict`).
 * A claim with a `condition` ("along the activation pattern of x", "pixels 3 and 7 only", "grid
 * {0,1}") holds only under it: it is recorded, never used as a bound.
 */
export interface BoundClaim {
  kind: 'lower_bound';
  norm: Norm;
  value: number;
  strict: boolean;
  target?: number;
  condition?: string;
}

/**
 * A further adversarial of the same sample beside the outcome's own (one per target class, say). The
 * harness validates it exactly as it validates `adversarial` and records the verdict, not the pixels.
 */
export interface FurtherExample {
  adversarial: Float32Array;
  /** the class it must be labelled as; without one it must only leave the label */
  target?: number;
  /** a short word for the record, e.g. how it was found */
  note?: string;
}

/** What a plugin reports per sample. The harness validates and times it; plugins never write files. */
export type SampleOutcome = (
  | { status: 'adversarial'; index: number; adversarial: Float32Array; target?: number }
  | { status: 'not_found'; index: number }
  | { status: 'robust'; index: number; region: string }
  | { status: 'error' | 'timeout'; index: number; message: string }
) & {
  details?: Record<string, unknown>;
  claims?: BoundClaim[];
  /** further adversarials; each one's verdict is recorded in `examples`, none changes `status` */
  examples?: FurtherExample[];
};

export interface AttackPlugin<P = unknown> {
  readonly id: string;
  readonly summary: string;
  readonly kind: PluginKind;
  /** params schema; defaults live here and the YAML is validated against it */
  readonly params: z.ZodType<P>;
  readonly needs: readonly Capability[];
  /** how many samples the runner hands over per call of run (1 for per-sample solvers) */
  chunkSize(params: P): number;
  threat(params: P): ThreatModel;
  run(ctx: AttackContext<P>): AsyncIterable<SampleOutcome>;
  /**
   * Extra leaderboard columns for a job, computed from its records (e.g. DeepCheck's attackable
   * pixels per image from `details`). Only validated data should feed them.
   */
  leaderboard?(records: readonly SampleRecordView[], params: P): Record<string, string | number>;
}

/** What a plugin's leaderboard hook reads of a record (see harness/results/record.ts). */
export interface SampleRecordView {
  index: number;
  label: number;
  status: string;
  adversarial_prediction: number | null;
  target: number | null;
  distances: { l0: number; l1: number; l2: number; linf: number } | null;
  time_ms: number;
  cost: { forward: number; gradient: number; solver_calls: number };
  claims: BoundClaim[];
  details: Record<string, unknown>;
  /** the harness's verdicts on the outcome's further examples; absent when it gave none */
  examples?: readonly ExampleVerdictView[];
}

/** One further example as recorded: only a `valid` one counts anywhere. */
export interface ExampleVerdictView {
  target: number | null;
  valid: boolean;
  prediction: number | null;
  distances: { l0: number; l1: number; l2: number; linf: number } | null;
  reason?: string;
  note?: string;
}
