// What one sample may spend: LPs (the region cap), wall time, and the harness's abort signal. A search
// that stops on a cap is incomplete and claims nothing; one stopped by the signal reports a timeout.

export type Stop = 'aborted' | 'region cap' | 'time cap';

export class SearchBudget {
  /** every LP or MILP solved for this sample */
  lps = 0;
  /** complete activation patterns (linear regions) whose LP was solved */
  regions = 0;
  /** of those, the regions where the target can win within the L1 cap */
  feasibleRegions = 0;
  /** why the search stopped early; undefined while it may go on */
  stopped: Stop | undefined;
  /** a solver failure inside a subtree leaves it unexplored: the search is then incomplete too */
  failures = 0;
  private readonly deadline: number;

  constructor(
    private readonly maxLps: number,
    timeLimitS: number,
    private readonly signal: AbortSignal,
  ) {
    this.deadline = performance.now() + timeLimitS * 1000;
  }

  /** Whether the next LP may run; records why not. */
  allows(): boolean {
    if (this.stopped !== undefined) return false;
    if (this.signal.aborted) this.stopped = 'aborted';
    else if (this.lps >= this.maxLps) this.stopped = 'region cap';
    else if (performance.now() >= this.deadline) this.stopped = 'time cap';
    return this.stopped === undefined;
  }

  /** seconds left before the time cap, for the solver's own limit */
  remainingS(): number {
    return Math.max(0.001, (this.deadline - performance.now()) / 1000);
  }

  get complete(): boolean {
    return this.stopped === undefined && this.failures === 0;
  }
}
