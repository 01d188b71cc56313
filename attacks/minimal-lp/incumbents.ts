// The best region found so far per target class. Untargeted, one incumbent is shared: a region only
// matters if it beats the closest adversarial of any class, so every target prunes with the same cap.
import type { Pattern } from './activation-pattern.js';

export interface Best {
  /** ‖Δ‖₁ of the region's optimum (margin 0): the minimum over the regions searched */
  value: number;
  /** the full activation pattern of that region */
  pattern: Pattern;
}

export class Incumbents {
  private readonly best = new Map<number, Best>();

  constructor(private readonly shared: boolean) {}

  /** the L1 a new region must beat to matter for `target` */
  cap(target: number): number {
    if (!this.shared) return this.best.get(target)?.value ?? Infinity;
    let cap = Infinity;
    for (const { value } of this.best.values()) cap = Math.min(cap, value);
    return cap;
  }

  offer(target: number, value: number, pattern: Pattern): void {
    const current = this.best.get(target);
    if (current === undefined || value < current.value) this.best.set(target, { value, pattern });
  }

  get(target: number): Best | undefined {
    return this.best.get(target);
  }
}
