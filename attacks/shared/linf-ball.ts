// The feasible set of the L∞ baselines: the ε-ball around x0 intersected with the pixel box [0, 1].
// Both are boxes, so their intersection is a box and projecting onto it is clipping per element.

export interface Box {
  lower: Float32Array;
  upper: Float32Array;
}

export function linfBall(x0: Float32Array, epsilon: number): Box {
  const lower = new Float32Array(x0.length);
  const upper = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) {
    lower[i] = Math.max(0, x0[i] - epsilon);
    upper[i] = Math.min(1, x0[i] + epsilon);
  }
  return { lower, upper };
}

export function project(value: number, box: Box, i: number): number {
  return Math.min(box.upper[i], Math.max(box.lower[i], value));
}

/**
 * x + α·sign(g), projected onto the box; coordinates with a zero gradient stay where they are.
 * Written to `out` (a new array unless given; x itself steps in place).
 */
export function signStep(x: Float32Array, gradient: Float32Array, stepSize: number, box: Box, out: Float32Array = new Float32Array(x.length)): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = project(x[i] + stepSize * Math.sign(gradient[i]), box, i);
  return out;
}

/** A uniform draw from the ε-cube around x0, projected onto the box (the draws outside [0, 1] land on its faces). */
export function uniformInBall(x0: Float32Array, epsilon: number, box: Box, next: () => number): Float32Array {
  const x = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) x[i] = project(x0[i] + epsilon * (2 * next() - 1), box, i);
  return x;
}
