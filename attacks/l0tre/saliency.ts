// The sensitivity map at t = 1 (the paper's case study five): how far changing one input element
// onto its worst grid value lowers the label's logit, as an 8-bit image, brightest where it drops most.
import type { Artifact } from '../../harness/types.js';

export function saliencyImage(name: string, drop: Float32Array, inputShape: readonly number[]): Artifact {
  const [height, width, channels] = inputShape.length === 3 ? inputShape : [1, drop.length, 1];
  let top = 0;
  for (const d of drop) if (d > top) top = d;
  const level = (d: number): number => (top > 0 && d > 0 ? Math.round((255 * d) / top) : 0);
  if (channels === 3) {
    return { kind: 'png', name, width, height, channels: 3, pixels: Uint8Array.from(drop, level) };
  }
  // other channel counts: one grey level per pixel, its most sensitive channel
  const pixels = new Uint8Array(width * height);
  for (let p = 0; p < pixels.length; p++) {
    let most = 0;
    for (let c = 0; c < channels; c++) most = Math.max(most, level(drop[p * channels + c]));
    pixels[p] = most;
  }
  return { kind: 'png', name, width, height, channels: 1, pixels };
}
