// Paired runs: each gauntlet run is timed next to a PyTorch run, and the ratio is the median of the
// per-pair ratios, so a drift in either engine's speed over the minutes a bench takes (PyTorch on
// this machine swings several-fold) moves both sides of a pair together instead of the ratio.
import type { BenchFigure } from './figure.js';

/** Rates (items/s) of one figure's timed runs, in run order; `theirs[i]` ran next to `ours[i]`. */
export interface PairedRates {
  ours: number[];
  theirs?: number[];
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('spread of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** gauntlet rate / PyTorch rate of each pair, summarised. */
export function pairRatios(ours: readonly number[], theirs: readonly number[]): Spread {
  if (ours.length !== theirs.length) throw new Error(`paired runs differ in count (${ours.length} vs ${theirs.length})`);
  return spread(ours.map((rate, i) => rate / theirs[i]));
}

/** One bench row from paired rates: each side's median and spread, and the paired ratio. */
export function pairedFigure(row: { model: string; figure: string; unit: string }, rates: PairedRates): BenchFigure {
  const ours = spread(rates.ours);
  const figure: BenchFigure = { ...row, median: round(ours.median, 1), min: round(ours.min, 1), max: round(ours.max, 1), runs: rates.ours.length };
  if (rates.theirs === undefined) return figure;
  const theirs = spread(rates.theirs);
  const ratio = pairRatios(rates.ours, rates.theirs);
  return {
    ...figure,
    torch_median: round(theirs.median, 1),
    torch_min: round(theirs.min, 1),
    torch_max: round(theirs.max, 1),
    ratio: round(ratio.median, 2),
    ratio_min: round(ratio.min, 2),
    ratio_max: round(ratio.max, 2),
  };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
