// The SMT adapter's two engines: known answers on problems whose feasible set is drawn by hand (touching
// points, strict edges, slivers below float resolution), and agreement with each other and with the
// BigInt-only clipper on thousands of random and deliberately degenerate problems.
import { afterAll, describe, expect, it } from '@jest/globals';
import { createRng } from '../../harness/rng.js';
import { toDyadic, toRational, rationalToNumber } from '../../harness/solvers/smt/dyadic.js';
import { smtEngine } from '../../harness/solvers/smt/engine.js';
import { solveExact } from '../../harness/solvers/smt/exact-engine.js';
import { solveExactPolygon } from '../../harness/solvers/smt/exact-polygon.js';
import { signOfAffine, signOfDifference, signOfSum } from '../../harness/solvers/smt/exact-sign.js';
import { boundHalfSpaces, halfSpace, type LinearConstraint, type Relation, type SmtProblem } from '../../harness/solvers/smt/problem.js';
import { releaseZ3, solveZ3 } from '../../harness/solvers/smt/z3-engine.js';

afterAll(releaseZ3);

const unitBox = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `v${i}`, lower: 0, upper: 1 }));
const c = (terms: number[], relation: Relation, rhs: number): LinearConstraint => ({ terms, relation, rhs });

/** Whether `model` satisfies every constraint of `problem`: exactly, or violating none by more than `slack`. */
function satisfies(problem: SmtProblem, model: Float64Array, slack = 0): boolean {
  const holds = (k: LinearConstraint) => {
    const h = halfSpace(k);
    if (slack > 0) return h.a.reduce((sum, a, i) => sum + a * model[i], h.c) >= -slack;
    const s = signOfAffine(h.a, Array.from(model), h.c);
    return s > 0 || (s === 0 && !h.strict);
  };
  const inBox = problem.variables.every((v, i) => model[i] >= v.lower && model[i] <= v.upper);
  return inBox && problem.all.every(holds) && (problem.any === undefined || problem.any.some(holds));
}

describe('exact signs', () => {
  it('see what rounding hides', () => {
    // 0.1·3 as exact rationals is above the double nearest 0.3; the float product rounds onto it
    expect(0.1 * 3 - 0.3).toBeGreaterThan(0);
    expect(signOfDifference(0.1, 3, 0.3, 1)).toBe(1);
    // (1 + 2^-52)(1 − 2^-52) = 1 − 2^-104: a float product rounds it to exactly 1
    const e = 2 ** -52;
    expect((1 + e) * (1 - e) - 1).toBe(0);
    expect(signOfSum([[1 + e, 1 - e], [-1]])).toBe(-1);
    expect(signOfDifference(2 ** -600, 2 ** -600, 2 ** -1000, 2 ** -200)).toBe(0);
    expect(signOfAffine([3, -1], [0.1, 0.3], 0)).toBe(1);
    expect(signOfSum([[1e308, 10], [-1e308, 10]])).toBe(0);
  });

  it('round-trip doubles through dyadics and rationals', () => {
    const rng = createRng('dyadic');
    for (let i = 0; i < 2000; i++) {
      const x = (rng.next() - 0.5) * 2 ** Math.floor(rng.next() * 200 - 100);
      const { mantissa, exponent } = toDyadic(x);
      expect(Number(mantissa) * 2 ** exponent).toBe(x);
      const { numerator, denominator } = toRational(x);
      expect(rationalToNumber(numerator, denominator)).toBe(x);
    }
    expect(toRational(0.5)).toEqual({ numerator: 1n, denominator: 2n });
    expect(rationalToNumber(1n, 3n)).toBe(1 / 3);
    expect(rationalToNumber(10n ** 400n, 3n * 10n ** 399n)).toBe(10 / 3);
  });
});

describe('known answers', () => {
  const oneVariable = (all: LinearConstraint[], any?: LinearConstraint[]): SmtProblem => ({ variables: unitBox(1), all, any });
  const twoVariables = (all: LinearConstraint[], any?: LinearConstraint[]): SmtProblem => ({ variables: unitBox(2), all, any });

  const cases: [string, SmtProblem, 'sat' | 'unsat'][] = [
    ['v ≥ 0.5 ∧ v ≤ 0.5 is the point 0.5', oneVariable([c([1], '>=', 0.5), c([1], '<=', 0.5)]), 'sat'],
    ['v > 0.5 ∧ v ≤ 0.5 is empty', oneVariable([c([1], '>', 0.5), c([1], '<=', 0.5)]), 'unsat'],
    ['3v ≥ 1 ∧ v ≤ 1/3: the double 1/3 is below a third, though 1/3 rounds onto it', oneVariable([c([3], '>=', 1), c([1], '<=', 1 / 3)]), 'unsat'],
    ['3v ≤ 1 ∧ v ≥ 1/3 is that double', oneVariable([c([3], '<=', 1), c([1], '>=', 1 / 3)]), 'sat'],
    ['v ≥ 1 is the upper bound', oneVariable([c([1], '>=', 1)]), 'sat'],
    ['v > 1 leaves the box', oneVariable([c([1], '>', 1)]), 'unsat'],
    ['0·v ≥ 0 holds, 0·v > 0 does not', oneVariable([c([0], '>=', 0)], [c([0], '>', 0)]), 'unsat'],
    ['an empty disjunction', oneVariable([], []), 'unsat'],
    ['one branch of three', oneVariable([c([1], '<=', 0.25)], [c([1], '>=', 0.5), c([1], '<', 0), c([1], '>', 0.2)]), 'sat'],
    ['x + y ≥ 2 touches the corner (1, 1)', twoVariables([c([1, 1], '>=', 2)]), 'sat'],
    ['x + y > 2 misses it', twoVariables([c([1, 1], '>', 2)]), 'unsat'],
    ['three lines through (0.5, 0.5) leave only that point', twoVariables([c([1, 1], '>=', 1), c([1, -1], '>=', 0), c([1, 0], '<=', 0.5)]), 'sat'],
    ['and none of it when one is strict', twoVariables([c([1, 1], '>=', 1), c([1, -1], '>', 0), c([1, 0], '<=', 0.5)]), 'unsat'],
    ['a segment x = y, open at one side, is not empty', twoVariables([c([1, -1], '>=', 0), c([1, -1], '<=', 0), c([1, 1], '>', 1)]), 'sat'],
    ['a strip thinner than any ulp between two lines', twoVariables([c([1, 2 ** -60], '>=', 0.5), c([1, 0], '<=', 0.5)]), 'sat'],
    ['the same strip reversed is empty', twoVariables([c([1, 2 ** -60], '>', 0.5), c([1, 0], '<=', 0.5), c([0, 1], '<=', 0)]), 'unsat'],
    ['a triangle, cut by a branch that misses it and one that hits it', twoVariables([c([1, 1], '<=', 0.5)], [c([1, 0], '>', 0.5), c([0, 1], '>=', 0.4)]), 'sat'],
  ];

  it.each(cases)('%s (exact)', (_, problem, expected) => {
    const result = solveExact(problem);
    expect(result.status).toBe(expected);
    if (result.status === 'sat' && problem.all.every((k) => Math.abs(k.terms[1] ?? 1) > 1e-10)) expect(satisfies(problem, result.model)).toBe(true);
  });

  it.each(cases)('%s (z3)', async (_, problem, expected) => {
    expect((await solveZ3(problem)).status).toBe(expected);
  });

  it('refuses problems it cannot state', () => {
    expect(() => solveExact({ variables: unitBox(3), all: [] })).toThrow(/1 or 2 variables/);
    expect(() => solveExact({ variables: unitBox(1), all: [c([1, 2], '>=', 0)] })).toThrow(/2 terms for 1 variables/);
    expect(() => solveExact({ variables: [{ name: 'x', lower: 0, upper: Infinity }], all: [] })).toThrow(/finite/);
  });

  it('counts every query', async () => {
    let calls = 0;
    const engine = smtEngine('exact', { add: (n = 1) => void (calls += n) });
    await engine.solve(oneVariable([]));
    await engine.solve(twoVariables([]));
    expect(calls).toBe(2);
  });
});

/**
 * Random problems over the unit box; `degenerate` draws constraints through a few shared points and
 * along shared directions, so touching corners, parallel lines and slivers are common.
 */
function randomProblem(rng: ReturnType<typeof createRng>, n: 1 | 2, degenerate: boolean): SmtProblem {
  const relations: Relation[] = ['>=', '>', '<=', '<'];
  const anchors = [0, 0.25, 0.5, 1, 1 / 3];
  const constraint = (): LinearConstraint => {
    const relation = relations[rng.int(4)];
    if (!degenerate) {
      const terms = Array.from({ length: n }, () => rng.normal());
      return c(terms, relation, rng.normal() * 0.5);
    }
    const terms = Array.from({ length: n }, () => [0, 1, -1, 2, 0.1, -3][rng.int(6)]);
    const point = Array.from({ length: n }, () => anchors[rng.int(anchors.length)]);
    return c(terms, relation, terms.reduce((s, t, i) => s + t * point[i], 0));
  };
  const all = Array.from({ length: 1 + rng.int(5) }, constraint);
  const any = rng.next() < 0.5 ? undefined : Array.from({ length: rng.int(4) }, constraint);
  return { variables: unitBox(n), all, any };
}

describe('agreement', () => {
  it('the float clipper with certificates decides like the BigInt-only clipper', () => {
    const rng = createRng('polygon-vs-exact');
    let feasible = 0;
    for (let i = 0; i < 3000; i++) {
      const problem = randomProblem(rng, 2, i % 2 === 0);
      const base = [...boundHalfSpaces(problem.variables), ...problem.all.map(halfSpace)];
      const branches = problem.any === undefined ? [base] : problem.any.map((k) => [...base, halfSpace(k)]);
      const reference = branches.some((hs) => solveExactPolygon(hs).feasible);
      const result = solveExact(problem);
      expect(result.status).toBe(reference ? 'sat' : 'unsat');
      if (result.status === 'sat') feasible++;
    }
    expect(feasible).toBeGreaterThan(300);
    expect(feasible).toBeLessThan(2700);
  });

  // z3 answers with a corner of the feasible set more often than not, which rounding to a double may
  // move an ulp outside; the exact engine's interior point satisfies a problem in general position exactly
  it('z3 and the exact engine give the same answer, and both models satisfy the problem', async () => {
    const rng = createRng('z3-vs-exact');
    const tally = { sat: 0, unsat: 0 };
    for (let i = 0; i < 300; i++) {
      const degenerate = i % 2 === 0;
      const problem = randomProblem(rng, i % 3 === 0 ? 1 : 2, degenerate);
      const exact = solveExact(problem);
      const z3 = await solveZ3(problem);
      expect([i, z3.status]).toEqual([i, exact.status]);
      tally[exact.status as 'sat' | 'unsat']++;
      if (z3.status === 'sat') expect(satisfies(problem, z3.model, 1e-12)).toBe(true);
      if (exact.status === 'sat') expect(satisfies(problem, exact.model, degenerate ? 1e-12 : 0)).toBe(true);
    }
    expect(tally.sat).toBeGreaterThan(30);
    expect(tally.unsat).toBeGreaterThan(30);
  });
});
