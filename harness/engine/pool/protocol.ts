// Messages between the main thread and a model worker. Arrays travel as transferred buffers.
import type { BackendChoice, ModelRef } from '../../config/experiment.js';
import type { LossSpec } from '../../types.js';

export interface WorkerInit {
  backend: BackendChoice;
  models: ModelRef[];
}

export type WorkerRequest =
  | { id: number; op: 'predict'; model: string; x: Float32Array }
  | { id: number; op: 'gradient'; model: string; x: Float32Array; loss: LossSpec };

export type WorkerReply =
  | { id: number; ok: true; values: Float32Array; loss?: Float32Array }
  | { id: number; ok: false; error: string };

export type WorkerStatus = { ready: true; backend: string } | { ready: false; error: string };
