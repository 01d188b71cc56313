// Two variables, fast: the box is clipped by each half-plane in floating point (Sutherland–Hodgman),
// remembering which constraint each edge lies on. The float result is only a guess, then proved
// exactly: a feasible guess by checking its witness point against every constraint, an empty one by
// the three constraints that emptied it (certificate.ts). A guess that cannot be proved — a sliver
// thinner than rounding, a strict constraint touching the set — goes to the exact clipper.
import { infeasible } from './certificate.js';
import { signOfAffine } from './exact-sign.js';
import { solveExactPolygon, type PolygonOutcome } from './exact-polygon.js';
import type { HalfSpace } from './problem.js';

interface Vertex {
  x: number;
  y: number;
  /** index of the constraint the polygon follows from this vertex to the next */
  edge: number;
}

type Clipped = { polygon: Vertex[] } | { emptiedBy: number[] };

function valueAt(h: HalfSpace, v: Vertex): number {
  return h.a[0] * v.x + h.a[1] * v.y + h.c;
}

/** Clips by constraint k; when nothing is left, names the constraints that certify it. */
function clip(polygon: readonly Vertex[], halfSpaces: readonly HalfSpace[], k: number): Clipped {
  const h = halfSpaces[k];
  const values = polygon.map((v) => valueAt(h, v));
  const out: Vertex[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const p = polygon[i];
    const j = (i + 1) % polygon.length;
    const q = polygon[j];
    const inside = values[i] >= 0;
    const nextInside = values[j] >= 0;
    if (inside) out.push(p);
    if (inside !== nextInside) {
      const t = values[i] / (values[i] - values[j]);
      out.push({ x: p.x + t * (q.x - p.x), y: p.y + t * (q.y - p.y), edge: inside ? k : p.edge });
    }
  }
  if (out.length > 0) return { polygon: out };
  // the vertex where h comes closest to holding is where the two lines through it meet; with h they
  // are infeasible together (the maximum of a linear function over the polygon is at that corner)
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  const incoming = polygon[(best + polygon.length - 1) % polygon.length].edge;
  return { emptiedBy: [incoming, polygon[best].edge, k] };
}

function satisfiesAll(halfSpaces: readonly HalfSpace[], point: [number, number]): boolean {
  return halfSpaces.every((h) => {
    const s = signOfAffine(h.a, point, h.c);
    return s > 0 || (s === 0 && !h.strict);
  });
}

function centre(polygon: readonly Vertex[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const v of polygon) {
    x += v.x;
    y += v.y;
  }
  return [x / polygon.length, y / polygon.length];
}

/**
 * Decides `bounds` ∧ `all` ∧ (some h of `any`) over two variables. `bounds` are the four half-planes of
 * boundHalfSpaces (x ≥ l, x ≤ u, y ≥ l, y ≤ u).
 */
export function solvePolygon(bounds: readonly HalfSpace[], all: readonly HalfSpace[], any: readonly HalfSpace[] | undefined): PolygonOutcome {
  const base = [...bounds, ...all];
  const [xl, xu, yl, yu] = [-bounds[0].c, bounds[1].c, -bounds[2].c, bounds[3].c];
  if (xl > xu || yl > yu) return { feasible: false };
  let polygon: Vertex[] = [
    { x: xl, y: yl, edge: 2 },
    { x: xu, y: yl, edge: 1 },
    { x: xu, y: yu, edge: 3 },
    { x: xl, y: yu, edge: 0 },
  ];
  for (let k = 4; k < base.length; k++) {
    const clipped = clip(polygon, base, k);
    if ('emptiedBy' in clipped) return decide(base, clipped.emptiedBy);
    polygon = clipped.polygon;
  }
  if (any === undefined) return decide(base, undefined, centre(polygon));
  for (const h of any) {
    const halfSpaces = [...base, h];
    const clipped = clip(polygon, halfSpaces, base.length);
    const result = 'emptiedBy' in clipped ? decide(halfSpaces, clipped.emptiedBy) : decide(halfSpaces, undefined, centre(clipped.polygon));
    if (result.feasible) return result;
  }
  return { feasible: false };
}

/** Proves the float guess (a certificate of emptiness, or a witness point) or hands over to the exact clipper. */
function decide(halfSpaces: readonly HalfSpace[], certificate?: readonly number[], witness?: [number, number]): PolygonOutcome {
  if (certificate !== undefined && infeasible(certificate.map((k) => halfSpaces[k]))) return { feasible: false };
  if (witness !== undefined && satisfiesAll(halfSpaces, witness)) return { feasible: true, point: witness };
  return solveExactPolygon(halfSpaces);
}
