// A (partial) activation pattern of a ReLU network: per layer, each unit fixed active, fixed
// inactive or still free to take either phase. A full pattern names one linear region.
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';

export const INACTIVE = 0;
export const ACTIVE = 1;
export const FREE = -1;

/** One Int8Array per layer of the net (empty for the linear logits layer). */
export type Pattern = Int8Array[];

export function freePattern(net: PiecewiseLinearNet): Pattern {
  return net.layers.map((layer) => new Int8Array(layer.relu ? layer.bias.length : 0).fill(FREE));
}

export function copyPattern(pattern: Pattern): Pattern {
  return pattern.map((phases) => phases.slice());
}

export function isFull(pattern: Pattern): boolean {
  return pattern.every((phases) => phases.every((phase) => phase !== FREE));
}

/** The pattern of a point: a unit is active when its pre-activation is positive (as the ReLU's derivative). */
export function patternOf(pre: readonly Float64Array[], net: PiecewiseLinearNet): Pattern {
  return net.layers.map((layer, l) => (layer.relu ? Int8Array.from(pre[l], (v) => (v > 0 ? ACTIVE : INACTIVE)) : new Int8Array(0)));
}

/** Units free in the pattern, per layer: the switching nodes still to decide. */
export function freeCount(pattern: Pattern): number[] {
  return pattern.map((phases) => phases.reduce((n, phase) => n + (phase === FREE ? 1 : 0), 0));
}
