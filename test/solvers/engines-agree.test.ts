// HiGHS and GLPK are independent implementations: on the same random LPs and small MILPs they must
// report the same status and the same optimum, and their points must satisfy the program.
import { describe, expect, it } from '@jest/globals';
import { createRng } from '../../harness/rng.js';
import { LinearProgramBuilder, type LinearProgram } from '../../harness/solvers/linear-program.js';
import { loadSolver } from '../../harness/solvers/load-solver.js';
import { countedSolver, SOLVER_ENGINES, type SolveResult } from '../../harness/solvers/solver.js';
import type { Rng } from '../../harness/types.js';

const FEASIBILITY = 1e-6;

/** Random dense rows with bounded variables; a random point is feasible, so the LP is feasible and bounded. */
function randomProgram(rng: Rng, variables: number, rows: number, integer: boolean): LinearProgram {
  const b = new LinearProgramBuilder(rng.next() < 0.5 ? 'minimize' : 'maximize');
  const point: number[] = [];
  for (let v = 0; v < variables; v++) {
    const lower = integer ? -3 : -2 + rng.next();
    const upper = integer ? 4 : 1 + 2 * rng.next();
    b.addVariable({ lower, upper, cost: rng.normal(), integer: integer && v % 2 === 0 });
    point.push(integer && v % 2 === 0 ? Math.round((lower + upper) / 2) : lower + (upper - lower) * rng.next());
  }
  for (let r = 0; r < rows; r++) {
    const indices = Array.from({ length: variables }, (_, v) => v).filter(() => rng.next() < 0.7);
    const values = indices.map(() => Math.round(rng.normal() * 100) / 10);
    const activity = indices.reduce((a, v, k) => a + values[k] * point[v], 0);
    const kind = rng.int(3);
    if (kind === 0) b.addConstraint(indices, values, '<=', activity + rng.next());
    else if (kind === 1) b.addConstraint(indices, values, '>=', activity - rng.next());
    else b.addRange(indices, values, activity - rng.next(), activity + rng.next());
  }
  return b.build();
}

function violation(program: LinearProgram, values: Float64Array): number {
  let worst = 0;
  for (let v = 0; v < program.variables; v++) {
    worst = Math.max(worst, program.lower[v] - values[v], values[v] - program.upper[v]);
    if (program.integer[v] === 1) worst = Math.max(worst, Math.abs(values[v] - Math.round(values[v])));
  }
  for (let r = 0; r < program.rows; r++) {
    let activity = 0;
    for (let k = program.rowStart[r]; k < program.rowStart[r + 1]; k++) activity += program.rowValue[k] * values[program.rowIndex[k]];
    worst = Math.max(worst, program.rowLower[r] - activity, activity - program.rowUpper[r]);
  }
  return worst;
}

function objectiveAt(program: LinearProgram, values: Float64Array): number {
  return program.cost.reduce((a, c, v) => a + c * values[v], 0);
}

async function solveWithBoth(program: LinearProgram): Promise<SolveResult[]> {
  return Promise.all(SOLVER_ENGINES.map(async (engine) => (await loadSolver(engine)).solve(program)));
}

function expectSameOptimum(program: LinearProgram, results: SolveResult[]): void {
  for (const result of results) {
    expect(result.status).toBe('optimal');
    const values = result.values as Float64Array;
    expect(violation(program, values)).toBeLessThan(FEASIBILITY);
    expect(objectiveAt(program, values)).toBeCloseTo(result.objective as number, 6);
  }
  const [a, b] = results.map((r) => r.objective as number);
  expect(Math.abs(a - b)).toBeLessThan(1e-6 * (1 + Math.abs(a)));
}

describe('highs and glpk agree', () => {
  it('on 30 random LPs', async () => {
    const rng = createRng('solver-agreement-lp');
    for (let trial = 0; trial < 30; trial++) {
      const program = randomProgram(rng, 4 + rng.int(12), 2 + rng.int(10), false);
      expectSameOptimum(program, await solveWithBoth(program));
    }
  });

  it('on 15 random small MILPs, whose optimum differs from the LP relaxation somewhere', async () => {
    const rng = createRng('solver-agreement-milp');
    let gaps = 0;
    for (let trial = 0; trial < 15; trial++) {
      const program = randomProgram(rng, 4 + rng.int(6), 3 + rng.int(5), true);
      const results = await solveWithBoth(program);
      expectSameOptimum(program, results);
      const [relaxed] = await solveWithBoth({ ...program, integer: new Uint8Array(program.variables) });
      if (Math.abs((relaxed.objective as number) - (results[0].objective as number)) > 1e-6) gaps++;
    }
    expect(gaps).toBeGreaterThan(0);
  });

  it('on a hand-solved MILP (1120 at 19 chairs, 11 tables) and its LP relaxation (3370/3)', async () => {
    const b = new LinearProgramBuilder('maximize');
    const chairs = b.addVariable({ cost: 30, integer: true });
    const tables = b.addVariable({ cost: 50, integer: true });
    b.addConstraint([chairs, tables], [1, 2], '<=', 41);
    b.addConstraint([chairs, tables], [2, 1], '<=', 50);
    const program = b.build();
    for (const result of await solveWithBoth(program)) {
      expect(result.objective).toBeCloseTo(1120, 9);
      expect(Array.from(result.values as Float64Array)).toEqual([19, 11]);
    }
    for (const result of await solveWithBoth({ ...program, integer: new Uint8Array(2) })) expect(result.objective).toBeCloseTo(3370 / 3, 6);
  });

  it('on infeasible and unbounded programs, LP and MILP', async () => {
    const infeasible = new LinearProgramBuilder();
    const x = infeasible.addVariable({ upper: 10, integer: true });
    const y = infeasible.addVariable({ upper: 10 });
    infeasible.addConstraint([x, y], [1, 1], '>=', 25);
    const unbounded = new LinearProgramBuilder('maximize');
    const u = unbounded.addVariable({ cost: 1 });
    const w = unbounded.addVariable({ lower: -Infinity, cost: -1 });
    unbounded.addConstraint([u, w], [1, -2], '<=', 3);
    const parity = new LinearProgramBuilder();
    const k = parity.addVariable({ upper: 100, integer: true });
    parity.addConstraint([k], [2], '=', 7);
    for (const [program, status] of [[infeasible.build(), 'infeasible'], [unbounded.build(), 'unbounded'], [parity.build(), 'infeasible']] as const) {
      expect((await solveWithBoth(program)).map((r) => r.status)).toEqual([status, status]);
    }
  });

  it('on a session edited between solves, as on the edited program solved afresh', async () => {
    const rng = createRng('solver-agreement-session');
    const program = randomProgram(rng, 10, 8, false);
    const edited: LinearProgram = { ...program, cost: program.cost.slice(), lower: program.lower.slice(), upper: program.upper.slice(), rowLower: program.rowLower.slice(), rowUpper: program.rowUpper.slice(), rowValue: program.rowValue.slice() };
    edited.upper[3] = edited.lower[3];
    edited.rowLower[2] = -Infinity;
    edited.rowUpper[2] = Infinity;
    const column = edited.rowIndex[edited.rowStart[0]];
    edited.rowValue[edited.rowStart[0]] *= 2;
    edited.cost[5] = -3 * edited.cost[5] + 1;
    for (const engine of SOLVER_ENGINES) {
      let calls = 0;
      const solver = countedSolver(await loadSolver(engine), { add: (n = 1) => void (calls += n) });
      const session = solver.open(program);
      try {
        expect(session.solve().objective).toBeCloseTo(solver.solve(program).objective as number, 6);
        session.setVariableBounds(3, edited.lower[3], edited.upper[3]);
        session.setConstraintBounds(2, -Infinity, Infinity);
        session.setCoefficient(0, column, edited.rowValue[edited.rowStart[0]]);
        session.setCost(5, edited.cost[5]);
        const again = session.solve();
        expect(again.status).toBe('optimal');
        expect(violation(edited, again.values as Float64Array)).toBeLessThan(FEASIBILITY);
        expect(again.objective).toBeCloseTo(solver.solve(edited).objective as number, 6);
      } finally {
        session.dispose();
      }
      expect(calls).toBe(4);
    }
  });
});

describe('LinearProgramBuilder', () => {
  it('sums repeated variables in a row and drops zero terms', () => {
    const b = new LinearProgramBuilder();
    const [x, y, z] = [b.addVariable(), b.addVariable(), b.addVariable()];
    b.addConstraint([z, x, z, y, y], [1, 2, 3, 1, -1], '=', 5);
    const program = b.build();
    expect(Array.from(program.rowIndex)).toEqual([x, z]);
    expect(Array.from(program.rowValue)).toEqual([2, 4]);
    expect([program.rowLower[0], program.rowUpper[0]]).toEqual([5, 5]);
  });

  it('rejects rows over unknown variables and empty bounds', () => {
    const b = new LinearProgramBuilder();
    b.addVariable();
    expect(() => b.addConstraint([1], [1], '<=', 0)).toThrow('row refers to variable 1, there are 1');
    expect(() => b.addVariable({ lower: 2, upper: 1 })).toThrow('variable bounds [2, 1] are empty or NaN');
  });
});
