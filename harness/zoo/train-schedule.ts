// The order in which `gauntlet train` hands out models: longest expected first. Each worker takes
// the next model as soon as it is free, so the long models start at once and the short ones fill
// the gaps at the end, and the workers finish close together (Graham's LPT rule: within 4/3 of the
// shortest possible wall time).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZOO } from './architectures.js';
import { parseManifest } from './manifest.js';

export interface TrainEstimate {
  name: string;
  seconds: number;
  /** 'measured': from an earlier manifest's train_time_s; 'guess': the definition's epochSeconds */
  source: 'measured' | 'guess';
}

/**
 * Expected training seconds of zoo model `name` for `epochs` (default: its recipe's): the time per
 * epoch in the first of `zooDirs` whose manifest measured one, else the definition's guess.
 */
export function estimateTrainSeconds(name: string, epochs: number | undefined, zooDirs: readonly string[]): TrainEstimate {
  const definition = ZOO[name];
  const wanted = epochs ?? definition.epochs;
  for (const dir of zooDirs) {
    const perEpoch = measuredEpochSeconds(join(dir, name, 'manifest.json'));
    if (perEpoch !== undefined) return { name, seconds: perEpoch * wanted, source: 'measured' };
  }
  return { name, seconds: definition.epochSeconds * wanted, source: 'guess' };
}

function measuredEpochSeconds(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const manifest = parseManifest(readFileSync(file, 'utf8'), file);
    return manifest.train_time_s / manifest.epochs;
  } catch {
    // a damaged manifest only costs its measurement: the model is retrained and the file replaced
    return undefined;
  }
}

/** Longest first; equal estimates keep the order given. */
export function longestFirst(estimates: readonly TrainEstimate[]): TrainEstimate[] {
  return [...estimates].sort((a, b) => b.seconds - a.seconds);
}

/** When the last of `workers` workers would finish if every model took its estimate and went, in order, to the first free worker. */
export function expectedWallSeconds(order: readonly TrainEstimate[], workers: number): number {
  const busyUntil = new Array<number>(Math.max(1, workers)).fill(0);
  for (const estimate of order) {
    const free = busyUntil.indexOf(Math.min(...busyUntil));
    busyUntil[free] += estimate.seconds;
  }
  return Math.max(...busyUntil);
}
