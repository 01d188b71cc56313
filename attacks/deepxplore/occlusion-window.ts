// Where DeepXplore's occlusion square goes when it is not fixed: the window where the joint
// objective's gradient has the most mass, i.e. where a localized change moves the models most.
// The released code only places the square at a fixed (or user-given) corner.

/** `fixed`: the released code's square at (occlusion_row, occlusion_col); `gradient`: heaviestWindow, once per seed */
export const OCCLUSION_POSITIONS = ['fixed', 'gradient'] as const;
export type OcclusionPosition = (typeof OCCLUSION_POSITIONS)[number];

export interface Window {
  row: number;
  col: number;
}

/**
 * Top-left corner of the `size`×`size` window (clamped to the image) with the largest Σ|gradient|,
 * channels included, for one image of shape [height, width, channels]. Ties go to the first window
 * in row-major order, so the choice is deterministic.
 */
export function heaviestWindow(gradient: Float32Array, shape: readonly number[], size: number): Window {
  const [height, width, channels] = shape.length === 3 ? shape : [1, shape[0], 1];
  const side = Math.min(size, height, width);
  // summed-area table of |g| per pixel, one row and column of zeros in front
  const stride = width + 1;
  const area = new Float64Array((height + 1) * stride);
  for (let r = 0; r < height; r++) {
    let rowSum = 0;
    for (let c = 0; c < width; c++) {
      const base = (r * width + c) * channels;
      for (let k = 0; k < channels; k++) rowSum += Math.abs(gradient[base + k]);
      area[(r + 1) * stride + c + 1] = area[r * stride + c + 1] + rowSum;
    }
  }
  let best: Window = { row: 0, col: 0 };
  let bestMass = -1;
  for (let r = 0; r + side <= height; r++) {
    for (let c = 0; c + side <= width; c++) {
      const mass = area[(r + side) * stride + c + side] - area[r * stride + c + side] - area[(r + side) * stride + c] + area[r * stride + c];
      if (mass > bestMass) {
        bestMass = mass;
        best = { row: r, col: c };
      }
    }
  }
  return best;
}
