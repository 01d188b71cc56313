// The anytime curve of a chunk (Fig. 1 (b) of the paper): after each stage t, the elapsed time and
// the global bounds, as CSV rows and as a small line plot (lower blue, estimate black, upper red).
import type { Artifact } from '../../harness/types.js';
import { globalBounds, type SampleBounds } from './bounds.js';

export interface AnytimeRow {
  t: number;
  elapsed_s: number;
  samples: number;
  converged: number;
  /** samples with an upper bound; upper, estimate and radius are means over them */
  bounded: number;
  lower: number;
  upper: number | '';
  estimate: number | '';
  radius: number | '';
}

const round = (v: number): number => Number(v.toFixed(4));

export function anytimeRow(t: number, elapsedSeconds: number, bounds: readonly SampleBounds[]): AnytimeRow {
  const g = globalBounds(bounds);
  const or = (v: number | null): number | '' => (v === null ? '' : round(v));
  return {
    t,
    elapsed_s: round(elapsedSeconds),
    samples: g.samples,
    converged: g.converged,
    bounded: g.bounded,
    lower: round(g.lower),
    upper: or(g.upper),
    estimate: or(g.estimate),
    radius: or(g.radius),
  };
}

const WIDTH = 360;
const HEIGHT = 240;
const MARGIN = 24;
type Colour = readonly [number, number, number];
const AXIS: Colour = [96, 96, 96];
const SERIES: { key: 'lower' | 'estimate' | 'upper'; colour: Colour }[] = [
  { key: 'lower', colour: [32, 64, 224] },
  { key: 'estimate', colour: [0, 0, 0] },
  { key: 'upper', colour: [224, 32, 32] },
];

/** Bounds against t, on axes from 0: one polyline per series with a square at each stage. */
export function anytimePlot(name: string, rows: readonly AnytimeRow[]): Artifact {
  const pixels = new Uint8Array(WIDTH * HEIGHT * 3).fill(255);
  const paint = (x: number, y: number, c: Colour): void => {
    if (x < 0 || y < 0 || x >= WIDTH || y >= HEIGHT) return;
    pixels.set(c, (y * WIDTH + x) * 3);
  };
  const line = (x0: number, y0: number, x1: number, y1: number, c: Colour): void => {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let i = 0; i <= steps; i++) {
      const x = Math.round(x0 + ((x1 - x0) * i) / steps);
      const y = Math.round(y0 + ((y1 - y0) * i) / steps);
      paint(x, y, c);
      paint(x, y + 1, c);
    }
  };
  const top = Math.max(1, ...rows.flatMap((r) => SERIES.map((s) => (r[s.key] === '' ? 0 : (r[s.key] as number))))) * 1.1;
  const xOf = (k: number): number => MARGIN + Math.round(((k + 1) * (WIDTH - 2 * MARGIN)) / (rows.length + 1));
  const yOf = (v: number): number => HEIGHT - MARGIN - Math.round((v * (HEIGHT - 2 * MARGIN)) / top);
  line(MARGIN, HEIGHT - MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN, AXIS);
  line(MARGIN, MARGIN, MARGIN, HEIGHT - MARGIN, AXIS);
  for (let v = 1; v < top; v++) line(MARGIN - 4, yOf(v), MARGIN, yOf(v), AXIS);
  for (const { key, colour } of SERIES) {
    let previous: [number, number] | undefined;
    rows.forEach((r, k) => {
      const value = r[key];
      if (value === '') return;
      const point: [number, number] = [xOf(k), yOf(value)];
      if (previous !== undefined) line(previous[0], previous[1], point[0], point[1], colour);
      for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) paint(point[0] + dx, point[1] + dy, colour);
      previous = point;
    });
  }
  return { kind: 'png', name, width: WIDTH, height: HEIGHT, channels: 3, pixels };
}
