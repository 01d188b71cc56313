// An unsat answer over two variables is certified by at most three of its half-planes (Helly's theorem
// in the plane): checking that those few have no common point, exactly, proves the whole problem has
// none. The check is Motzkin's transposition theorem: λ ≥ 0 with Σ λ·a = 0 and Σ λ·c < 0 (or = 0 with a
// strict half-plane among those weighted).
import { signOfDifference, signOfSum, type Sign } from './exact-sign.js';
import type { HalfSpace } from './problem.js';

function isConstant(h: HalfSpace): boolean {
  return h.a[0] === 0 && h.a[1] === 0;
}

function contradicts(s: Sign, strict: boolean): boolean {
  return s < 0 || (s === 0 && strict);
}

function constantInfeasible(h: HalfSpace): boolean {
  return isConstant(h) && contradicts(Math.sign(h.c) as Sign, h.strict);
}

/** det(a_p, a_q) = p0·q1 − p1·q0, exactly. */
function det(p: HalfSpace, q: HalfSpace): Sign {
  return signOfDifference(p.a[0], q.a[1], p.a[1], q.a[0]);
}

function pairInfeasible(p: HalfSpace, q: HalfSpace): boolean {
  if (isConstant(p) || isConstant(q) || det(p, q) !== 0) return false;
  // parallel normals: opposite ones bound a strip from both sides, which may be empty
  if (signOfSum([[p.a[0], q.a[0]], [p.a[1], q.a[1]]]) >= 0) return false;
  const k = p.a[0] !== 0 ? 0 : 1;
  const s = signOfSum([
    [Math.abs(q.a[k]), p.c],
    [Math.abs(p.a[k]), q.c],
  ]);
  return contradicts(s, p.strict || q.strict);
}

function tripleInfeasible(p: HalfSpace, q: HalfSpace, r: HalfSpace): boolean {
  // λ = (det(q,r), det(r,p), det(p,q)) is the only combination of three normals that cancels; when
  // it has a zero or mixed signs, any certificate uses fewer half-planes and the pair checks find it
  const signs = [det(q, r), det(r, p), det(p, q)];
  if (signs[0] === 0 || signs.some((s) => s !== signs[0])) return false;
  const s = signOfSum([
    [q.a[0], r.a[1], p.c],
    [-q.a[1], r.a[0], p.c],
    [r.a[0], p.a[1], q.c],
    [-r.a[1], p.a[0], q.c],
    [p.a[0], q.a[1], r.c],
    [-p.a[1], q.a[0], r.c],
  ]);
  return contradicts((s * signs[0]) as Sign, p.strict || q.strict || r.strict);
}

/** Whether these (at most three) half-planes have no common point, decided exactly. */
export function infeasible(halfSpaces: readonly HalfSpace[]): boolean {
  const hs = [...new Set(halfSpaces)];
  if (hs.length > 3) throw new RangeError(`a certificate has at most three half-planes, got ${hs.length}`);
  if (hs.some(constantInfeasible)) return true;
  for (let i = 0; i < hs.length; i++) for (let j = i + 1; j < hs.length; j++) if (pairInfeasible(hs[i], hs[j])) return true;
  return hs.length === 3 && tripleInfeasible(hs[0], hs[1], hs[2]);
}
