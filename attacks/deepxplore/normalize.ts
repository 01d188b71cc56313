// DeepXplore (and DLFuzz, which reuses it) divides the gradient by its root mean square before any
// step: the step size then means the same thing whatever the scale of the objective.

/** `gradient` / (RMS(gradient) + 1e-5), as the released code's normalize(). */
export function rmsNormalized(gradient: Float32Array): Float32Array {
  let squares = 0;
  for (const g of gradient) squares += g * g;
  const scale = 1 / (Math.sqrt(squares / gradient.length) + 1e-5);
  return gradient.map((g) => g * scale);
}

/** x + step·direction, clipped to the pixel range [0, 1] (the released code does not clip). */
export function stepClipped(x: Float32Array, direction: Float32Array, step: number): Float32Array {
  return x.map((v, i) => Math.min(1, Math.max(0, v + step * direction[i])));
}
