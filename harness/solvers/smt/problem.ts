// The SMT adapter's problem language: a few real variables with closed bounds, linear constraints
// that must all hold, and at most one disjunction ("at least one of these holds"). That is enough for
// DeepCheck's path conditions (a conjunction) and its label change (some other class wins), and small
// enough that two independent engines can decide it exactly and be checked against each other.

export type Relation = '>=' | '>' | '<=' | '<';

/** Σ terms[i]·v_i (relation) rhs */
export interface LinearConstraint {
  /** one coefficient per variable of the problem */
  readonly terms: readonly number[];
  readonly relation: Relation;
  readonly rhs: number;
}

export interface SmtVariable {
  readonly name: string;
  /** lower ≤ v ≤ upper, both finite */
  readonly lower: number;
  readonly upper: number;
}

export interface SmtProblem {
  readonly variables: readonly SmtVariable[];
  /** every one holds */
  readonly all: readonly LinearConstraint[];
  /** when given, at least one holds (an empty list cannot be satisfied) */
  readonly any?: readonly LinearConstraint[];
}

export type SmtResult =
  /**
   * `model` is a satisfying point rounded to float64, so it may sit an ulp outside a constraint it
   * meets with equality (z3 likes corners; the exact engine picks the middle of the feasible set, which
   * is exact unless that set is thinner than a few ulps). The sat/unsat answer itself is exact.
   */
  | { status: 'sat'; model: Float64Array }
  | { status: 'unsat' }
  | { status: 'unknown'; reason: string };

/**
 * A constraint in the one form the exact engine reasons about: a·v + c > 0 (strict) or ≥ 0. Turning a
 * LinearConstraint into it only negates numbers, so no rounding happens on the way.
 */
export interface HalfSpace {
  readonly a: readonly number[];
  readonly c: number;
  readonly strict: boolean;
}

export function halfSpace(constraint: LinearConstraint): HalfSpace {
  const { terms, relation, rhs } = constraint;
  switch (relation) {
    case '>=':
    case '>':
      return { a: terms, c: -rhs, strict: relation === '>' };
    case '<=':
    case '<':
      return { a: terms.map((t) => -t), c: rhs, strict: relation === '<' };
  }
}

/** v_i ≥ lower and v_i ≤ upper for every variable, in that order. */
export function boundHalfSpaces(variables: readonly SmtVariable[]): HalfSpace[] {
  const unit = (i: number, sign: number): number[] => variables.map((_, k) => (k === i ? sign : 0));
  return variables.flatMap((v, i) => [
    { a: unit(i, 1), c: -v.lower, strict: false },
    { a: unit(i, -1), c: v.upper, strict: false },
  ]);
}

/** Checks the problem is well formed before any engine sees it. */
export function checkProblem(problem: SmtProblem): void {
  const n = problem.variables.length;
  for (const v of problem.variables) {
    if (!Number.isFinite(v.lower) || !Number.isFinite(v.upper)) throw new RangeError(`variable ${v.name}: bounds must be finite, got [${v.lower}, ${v.upper}]`);
  }
  const constraints = [...problem.all, ...(problem.any ?? [])];
  for (const c of constraints) {
    if (c.terms.length !== n) throw new RangeError(`a constraint has ${c.terms.length} terms for ${n} variables`);
    if (!c.terms.every(Number.isFinite) || !Number.isFinite(c.rhs)) throw new RangeError('constraint coefficients must be finite');
  }
}
