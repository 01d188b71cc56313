// Two variables, decided with no rounding at all: the box is clipped by each half-plane in integer
// homogeneous coordinates. Every vertex is the crossing of the two constraint lines it lies on, so its
// coordinates are 2×2 determinants of the (integer-scaled) constraints and never grow from step to step.
// Slower than the floating-point clipper; it settles the cases that one cannot certify.
import { rationalToNumber, toDyadic } from './dyadic.js';
import type { HalfSpace } from './problem.js';

/** A·x + B·y + C ≥ 0 (or > 0) with integers: the half-space times a power of two. */
interface IntegerLine {
  A: bigint;
  B: bigint;
  C: bigint;
  strict: boolean;
}

/** The point (X/W, Y/W) with W > 0; `edge` is the line the polygon follows from here to the next vertex. */
interface Vertex {
  X: bigint;
  Y: bigint;
  W: bigint;
  edge: number;
}

function integerLine(h: HalfSpace): IntegerLine {
  const parts = [toDyadic(h.a[0]), toDyadic(h.a[1]), toDyadic(h.c)];
  const lowest = Math.min(...parts.map((p) => p.exponent));
  const [A, B, C] = parts.map((p) => p.mantissa << BigInt(p.exponent - lowest));
  return { A, B, C, strict: h.strict };
}

function sign(v: bigint): number {
  return v > 0n ? 1 : v < 0n ? -1 : 0;
}

function valueAt(line: IntegerLine, v: Vertex): bigint {
  return line.A * v.X + line.B * v.Y + line.C * v.W;
}

/** Where two lines cross, or undefined when they are parallel. */
function crossing(p: IntegerLine, q: IntegerLine, edge: number): Vertex | undefined {
  const X = p.B * q.C - p.C * q.B;
  const Y = p.C * q.A - p.A * q.C;
  const W = p.A * q.B - p.B * q.A;
  if (W === 0n) return undefined;
  return W > 0n ? { X, Y, W, edge } : { X: -X, Y: -Y, W: -W, edge };
}

function clip(polygon: readonly Vertex[], lines: readonly IntegerLine[], k: number): Vertex[] {
  const line = lines[k];
  const values = polygon.map((v) => sign(valueAt(line, v)));
  const out: Vertex[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const p = polygon[i];
    const j = (i + 1) % polygon.length;
    const inside = values[i] >= 0;
    const nextInside = values[j] >= 0;
    if (inside) out.push(p);
    if (inside !== nextInside) {
      // the edge changes side strictly, so it is not parallel to the line and the crossing exists
      const r = crossing(lines[p.edge], line, inside ? k : p.edge) as Vertex;
      out.push(r);
    }
  }
  return out;
}

export type PolygonOutcome = { feasible: true; point: [number, number] } | { feasible: false };

/**
 * Decides the conjunction of `halfSpaces` over two variables exactly. The first four must be the
 * variable bounds in the order boundHalfSpaces gives (x ≥ l, x ≤ u, y ≥ l, y ≤ u), with l ≤ u.
 */
export function solveExactPolygon(halfSpaces: readonly HalfSpace[]): PolygonOutcome {
  const lines = halfSpaces.map(integerLine);
  // counter-clockwise from (xl, yl): the edges leaving each corner are the bottom, right, top and left bounds
  const edges = [2, 1, 3, 0];
  let polygon: Vertex[] = edges.map((edge, i) => crossing(lines[edges[(i + 3) % 4]], lines[edge], edge) as Vertex);
  for (let k = 4; k < lines.length && polygon.length > 0; k++) {
    const { A, B, C, strict } = lines[k];
    if (A === 0n && B === 0n) {
      if (C < 0n || (C === 0n && strict)) return { feasible: false };
      continue;
    }
    polygon = clip(polygon, lines, k);
  }
  if (polygon.length === 0) return { feasible: false };
  // the closed polygon is what remains; a strict constraint leaves something only if it is positive at some vertex
  for (const line of lines) {
    if (line.strict && polygon.every((v) => valueAt(line, v) <= 0n)) return { feasible: false };
  }
  let x = 0;
  let y = 0;
  for (const v of polygon) {
    x += rationalToNumber(v.X, v.W);
    y += rationalToNumber(v.Y, v.W);
  }
  return { feasible: true, point: [x / polygon.length, y / polygon.length] };
}
