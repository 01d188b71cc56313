// DeepXplore's domain constraints: the gradient is projected onto a realistic kind of change before
// each step (MNIST/utils.py: constraint_light, constraint_occl, constraint_black).
import type { Rng } from '../../harness/types.js';

export const TRANSFORMATIONS = ['light', 'occlusion', 'blackout'] as const;
export type Transformation = (typeof TRANSFORMATIONS)[number];

export interface TransformationSettings {
  transformation: Transformation;
  /** occlusion: top-left corner (row, column) and side of the square the change is confined to */
  occlusion_row: number;
  occlusion_col: number;
  occlusion_size: number;
  /** blackout: side of the square patch drawn at random each step */
  blackout_size: number;
}

/**
 * The constrained direction for one image of shape [height, width, channels]: light brightens or
 * darkens every pixel alike (by the gradient's mean); occlusion keeps the gradient inside one fixed
 * rectangle; blackout darkens a random square patch fully (direction −1) when the gradient there
 * points darker on average, and changes nothing otherwise.
 */
export function constrained(gradient: Float32Array, shape: readonly number[], s: TransformationSettings, rng: Rng): Float32Array {
  const [height, width, channels] = shape.length === 3 ? shape : [1, shape[0], 1];
  const inside = (top: number, left: number, size: number) => (i: number): boolean => {
    const pixel = Math.floor(i / channels);
    const r = Math.floor(pixel / width);
    const c = pixel % width;
    return r >= top && r < top + size && c >= left && c < left + size;
  };
  switch (s.transformation) {
    case 'light': {
      const mean = gradient.reduce((a, g) => a + g, 0) / gradient.length;
      return new Float32Array(gradient.length).fill(mean);
    }
    case 'occlusion': {
      const keep = inside(s.occlusion_row, s.occlusion_col, s.occlusion_size);
      return gradient.map((g, i) => (keep(i) ? g : 0));
    }
    case 'blackout': {
      const size = Math.min(s.blackout_size, height, width);
      const patch = inside(rng.int(height - size + 1), rng.int(width - size + 1), size);
      let sum = 0;
      let count = 0;
      gradient.forEach((g, i) => {
        if (patch(i)) {
          sum += g;
          count++;
        }
      });
      const darker = sum / count < 0;
      return gradient.map((_, i) => (darker && patch(i) ? -1 : 0));
    }
  }
}
