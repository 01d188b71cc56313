// The values a changed pixel may take. The lower bounds hold only for changes onto these values:
// between grid points the network may do anything (the paper's Lipschitz argument is not checked).
import { L0_TOLERANCE } from '../../metrics/distances.js';

/** `count` evenly spaced points of [0, 1]: 2 gives {0, 1}, the released code's ε = 0.5. */
export function gridValues(count: number): Float32Array {
  return Float32Array.from({ length: count }, (_, k) => k / (count - 1));
}

/** "{0, 1}", "{0, 0.5, 1}": how claims and reports name the grid. */
export function gridName(values: Float32Array): string {
  return `{${Array.from(values, (v) => Number(v.toPrecision(4))).join(', ')}}`;
}

/** The condition every L0-TRE lower bound carries. */
export function gridCondition(values: Float32Array): string {
  return `every changed pixel takes a value of the grid ${gridName(values)}`;
}

/**
 * A grid value the pixel already has (to the harness's L0 tolerance) is no change at all: such
 * points of a t-pixel subspace are changes of fewer pixels, searched at an earlier t.
 */
export function isChange(original: number, value: number): boolean {
  return Math.abs(original - value) > L0_TOLERANCE;
}
