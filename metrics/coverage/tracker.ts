// The coverage a set of inputs has reached under one criterion: how many of those inputs hit each
// item. DLFuzz's neuron selection reads the counts; coverage is the share of items hit at least once.
import type { CoverageCriterion } from './criterion.js';

export class CoverageTracker {
  readonly times: Uint32Array;
  private coveredCount = 0;

  constructor(readonly criterion: CoverageCriterion) {
    this.times = new Uint32Array(criterion.items);
  }

  /** Counts one input's hits; returns how many items it covered for the first time. */
  add(hits: readonly number[]): number {
    let fresh = 0;
    for (const item of hits) if (this.times[item]++ === 0) fresh++;
    this.coveredCount += fresh;
    return fresh;
  }

  get covered(): number {
    return this.coveredCount;
  }

  get ratio(): number {
    return this.coveredCount / this.criterion.items;
  }

  isCovered(item: number): boolean {
    return this.times[item] > 0;
  }

  uncovered(): number[] {
    const out: number[] = [];
    for (let item = 0; item < this.times.length; item++) if (this.times[item] === 0) out.push(item);
    return out;
  }

  coveredItems(): number[] {
    const out: number[] = [];
    for (let item = 0; item < this.times.length; item++) if (this.times[item] > 0) out.push(item);
    return out;
  }
}
