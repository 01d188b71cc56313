// The paper's Figure 1 for one image, as three panels side by side: the top-5% important pixels in
// green, the top-10% in green, and the attack pixels in red. Images are enlarged by whole pixels so a
// 28×28 digit stays legible.
import type { Artifact } from '../../harness/types.js';

const GREEN = [0, 200, 0];
const RED = [255, 0, 0];
const GAP = 4;
/** panels are enlarged to at least this many screen pixels on their longer side */
const PANEL_SIZE = 112;

export interface SaliencyInput {
  name: string;
  /** [height, width, channels] */
  shape: readonly number[];
  x: Float32Array;
  /** input indices by descending importance */
  ranking: Int32Array;
  top5: number;
  top10: number;
  /** input indices of the attack pixels */
  attackPixels: readonly number[];
}

export function saliencyPng(input: SaliencyInput): Extract<Artifact, { kind: 'png' }> {
  const [height, width, channels] = input.shape;
  const scale = Math.max(1, Math.ceil(PANEL_SIZE / Math.max(height, width)));
  const panelWidth = width * scale;
  const totalWidth = 3 * panelWidth + 2 * GAP;
  const pixels = new Uint8Array(totalWidth * height * scale * 3).fill(255);
  const spatial = (index: number) => Math.floor(index / channels);
  const marks = [
    new Set(Array.from(input.ranking.subarray(0, input.top5), spatial)),
    new Set(Array.from(input.ranking.subarray(0, input.top10), spatial)),
    new Set(input.attackPixels.map(spatial)),
  ];
  const colours = [GREEN, GREEN, RED];
  for (let panel = 0; panel < 3; panel++) {
    for (let s = 0; s < height * width; s++) {
      const shade = channels === 3 ? [0, 1, 2].map((ch) => input.x[s * 3 + ch] * 255) : new Array(3).fill(input.x[s * channels] * 255);
      const rgb = marks[panel].has(s) ? colours[panel] : shade;
      const row = Math.floor(s / width);
      const col = s % width;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const at = ((row * scale + dy) * totalWidth + panel * (panelWidth + GAP) + col * scale + dx) * 3;
          pixels.set(rgb.map((v) => Math.round(v)), at);
        }
      }
    }
  }
  return { kind: 'png', name: input.name, width: totalWidth, height: height * scale, channels: 3, pixels };
}
