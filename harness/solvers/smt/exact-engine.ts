// The `exact` engine: with one or two symbolic variables the feasible set is an interval or a convex
// polygon, decided exactly (interval.ts, polygon.ts) in microseconds instead of a solver's milliseconds.
import { solveInterval } from './interval.js';
import { solvePolygon } from './polygon.js';
import { boundHalfSpaces, checkProblem, halfSpace, type SmtProblem, type SmtResult } from './problem.js';

export function solveExact(problem: SmtProblem): SmtResult {
  checkProblem(problem);
  const n = problem.variables.length;
  if (n !== 1 && n !== 2) throw new RangeError(`the exact engine decides problems in 1 or 2 variables, this one has ${n} (use the z3 engine)`);
  const bounds = boundHalfSpaces(problem.variables);
  const all = problem.all.map(halfSpace);
  const any = problem.any?.map(halfSpace);
  if (n === 1) {
    const result = solveInterval(bounds, all, any);
    return result.feasible ? { status: 'sat', model: Float64Array.of(result.point) } : { status: 'unsat' };
  }
  const result = solvePolygon(bounds, all, any);
  return result.feasible ? { status: 'sat', model: Float64Array.from(result.point) } : { status: 'unsat' };
}
