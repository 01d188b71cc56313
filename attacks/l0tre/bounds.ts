// What L0-TRE knows about one sample, and about the set. Everything is about R, the smallest number
// of pixels whose change onto the grid changes the label: `lower` ≤ R ≤ `upper`. (The paper's
// lower bound at t is the safe radius t = R − 1 at best; R is what the harness's L0 distances and
// claims measure, so gauntlet reports R. The paper's estimates are ours minus 0.5 where not converged.)

export interface FoundExample {
  /** L0 distance of this stage's tightened example */
  l0: number;
  /** pixels the accumulation had changed when the label first changed */
  accumulated: number;
  tightening_trials: number;
  restored: number;
  /** [pixel, value] of every changed pixel */
  pixels: [number, number][];
}

export interface StageReport {
  t: number;
  /** bounds after the stage */
  lower: number;
  upper: number | null;
  /** subspaces fully searched, of C(n, t) */
  subspaces: number;
  /** perturbed inputs evaluated by the subspace search */
  queries: number;
  /** of them, answered by the receptive-field evaluator's replay; the rest by the model */
  replayed: number;
  complete: boolean;
  /** a t-pixel grid point changes the label: R = t */
  flipped: boolean;
  /** this stage's own upper-bound example (or the flipping point), before comparison with earlier stages */
  found: FoundExample | null;
}

export class SampleBounds {
  /** R ≥ 1: the sample is classified correctly */
  lower = 1;
  upper: number | undefined;
  adversarial: Float32Array | undefined;
  readonly stages: StageReport[] = [];

  get converged(): boolean {
    return this.upper !== undefined && this.lower >= this.upper;
  }

  /** A stage's example: kept when it improves the upper bound (so bounds only tighten). */
  offer(adversarial: Float32Array, l0: number): void {
    if (this.upper === undefined || l0 < this.upper) {
      this.upper = l0;
      this.adversarial = adversarial;
    }
  }
}

export interface GlobalBounds {
  samples: number;
  converged: number;
  /** samples with an upper bound */
  bounded: number;
  /** mean lower bound over all samples */
  lower: number;
  /** means over the bounded samples; null when none is */
  upper: number | null;
  estimate: number | null;
  radius: number | null;
}

/** Global robustness (the mean of per-sample estimates U_c = (l + u) / 2) with its bounds. */
export function globalBounds(all: readonly SampleBounds[]): GlobalBounds {
  const bounded = all.filter((b) => b.upper !== undefined);
  const mean = (values: number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
  return {
    samples: all.length,
    converged: all.filter((b) => b.converged).length,
    bounded: bounded.length,
    lower: mean(all.map((b) => b.lower)) ?? 0,
    upper: mean(bounded.map((b) => b.upper as number)),
    estimate: mean(bounded.map((b) => (b.lower + (b.upper as number)) / 2)),
    radius: mean(bounded.map((b) => ((b.upper as number) - b.lower) / 2)),
  };
}
