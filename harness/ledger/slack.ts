// How far a measured distance may sit from the exact one. Adversarials are float32: every element may
// be off by the validator's per-element tolerance, which adds up over the elements as the norm does
// (n·ε for L1, √n·ε for L2, ε for L∞). L0 is a count of elements changed by more than
// L0_TOLERANCE and is compared exactly.
import { BUDGET_TOLERANCE } from '../validate.js';
import type { Norm } from '../types.js';

export function distanceSlack(norm: Norm, elements: number): number {
  switch (norm) {
    case 'l0':
      return 0;
    case 'l1':
      return elements * BUDGET_TOLERANCE;
    case 'l2':
      return Math.sqrt(elements) * BUDGET_TOLERANCE;
    case 'linf':
      return BUDGET_TOLERANCE;
  }
}
