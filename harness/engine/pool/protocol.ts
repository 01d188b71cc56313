// Messages between the main thread and a model worker. Arrays travel as transferred buffers.
import type { BackendChoice, ModelRef } from '../../config/experiment.js';
import type { LossSpec } from '../../types.js';

export interface WorkerInit {
  backend: BackendChoice;
  models: ModelRef[];
}

export type WorkerRequest =
  | { id: number; op: 'predict'; model: string; x: Float32Array }
  | { id: number; op: 'gradient'; model: string; x: Float32Array; loss: LossSpec }
  | { id: number; op: 'activations'; model: string; x: Float32Array };

/** `values`: [logits] for predict, [gradient, losses, logits] for gradient, one array per neuron layer for activations. */
export type WorkerReply =
  | { id: number; ok: true; values: Float32Array[] }
  | { id: number; ok: false; error: string };

export type WorkerStatus = { ready: true; backend: string } | { ready: false; error: string };
