// Distances between an original input and its adversarial, in the four norms threat models use.

export interface Distances {
  /** number of elements whose absolute change exceeds L0_TOLERANCE */
  l0: number;
  l1: number;
  l2: number;
  linf: number;
}

/**
 * Changes at or below this size do not count towards l0: float32 round trips (for instance
 * x − ε + ε) leave residues near 1e-8 that no attack meant as a modified pixel.
 */
export const L0_TOLERANCE = 1e-6;

export function distances(original: Float32Array, adversarial: Float32Array): Distances {
  if (original.length !== adversarial.length) {
    throw new RangeError(`distances: original has ${original.length} elements, adversarial ${adversarial.length}`);
  }
  let l0 = 0;
  let l1 = 0;
  let squares = 0;
  let linf = 0;
  for (let i = 0; i < original.length; i++) {
    const change = Math.abs(adversarial[i] - original[i]);
    if (change > L0_TOLERANCE) l0++;
    l1 += change;
    squares += change * change;
    if (change > linf) linf = change;
  }
  return { l0, l1, l2: Math.sqrt(squares), linf };
}
