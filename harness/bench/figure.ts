// One row of `gauntlet bench`: a measured figure with its median and spread, and the PyTorch
// reference beside it where there is one.
import type { Task } from 'tinybench';

export interface BenchFigure {
  model: string;
  figure: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  /** the PyTorch reference's figure, when torch is installed */
  torch_median?: number;
  torch_min?: number;
  torch_max?: number;
  /** median over paired runs of gauntlet rate / PyTorch rate (see paired-runs.ts) */
  ratio?: number;
  /** the lowest and highest per-pair ratio */
  ratio_min?: number;
  ratio_max?: number;
  agreement?: string;
}

/** A completed tinybench task's result, or an error naming the task and why it did not complete. */
function completed(task: Task): { p50: number; min: number; max: number; samplesCount: number } {
  const result = task.result;
  if (result.state !== 'completed') {
    throw new Error(`bench task ${task.name} did not complete (${result.state}${result.state === 'errored' ? `: ${result.error.message}` : ''})`);
  }
  const { p50, min, max, samplesCount } = result.latency;
  return { p50: p50 ?? 0, min, max, samplesCount };
}

/** Milliseconds per item from a task's latencies (each run handles `items` items). */
export function msFigure(task: Task, model: string, name: string, items = 1): BenchFigure {
  const latency = completed(task);
  const ms = (v: number): number => Number((v / items).toFixed(1));
  return { model, figure: name, unit: 'ms', median: ms(latency.p50), min: ms(latency.min), max: ms(latency.max), runs: latency.samplesCount };
}
