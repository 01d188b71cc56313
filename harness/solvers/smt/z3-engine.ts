// The `z3` engine: the SMT solver DeepCheck's authors used (z3-solver, WebAssembly). Every number goes
// to Z3 as the exact rational its double denotes, so Z3 decides the very problem the exact engine does.
// Z3 runs its checks on worker threads that keep Node alive: `releaseZ3` ends them (the module stays
// loaded and starts a thread again on the next check). The package is imported on first use, so runs
// that never ask for z3 do not pay for loading it.
import type { Arith, Bool, Context, Solver, init } from 'z3-solver';
import { rationalToNumber, toRational } from './dyadic.js';
import { checkProblem, type LinearConstraint, type SmtProblem, type SmtResult } from './problem.js';

type Z3 = Awaited<ReturnType<typeof init>>;

interface Loaded {
  z3: Z3;
  context: Context<'gauntlet'>;
  /** one solver for every query, each between push and pop: half the time of a fresh solver */
  solver: Solver<'gauntlet'>;
}

/** Loading the wasm module takes a few hundred ms: once per process. */
let loaded: Promise<Loaded> | undefined;
/** Queries that overlap in time would interleave their push/pop on the shared solver, so they queue (with releases). */
let queue: Promise<unknown> = Promise.resolve();

function load(): Promise<Loaded> {
  loaded ??= import('z3-solver').then(async ({ init: start }) => {
    const z3 = await start();
    const context = new z3.Context('gauntlet');
    return { z3, context, solver: new context.Solver() };
  });
  return loaded;
}

function constraint(ctx: Context<'gauntlet'>, vars: readonly Arith<'gauntlet'>[], c: LinearConstraint): Bool<'gauntlet'> {
  const sum = ctx.Sum(ctx.Real.val(0), ...c.terms.flatMap((t, i) => (t === 0 ? [] : [vars[i].mul(ctx.Real.val(toRational(t)))])));
  const rhs = ctx.Real.val(toRational(c.rhs));
  switch (c.relation) {
    case '>=':
      return sum.ge(rhs);
    case '>':
      return sum.gt(rhs);
    case '<=':
      return sum.le(rhs);
    case '<':
      return sum.lt(rhs);
  }
}

/** Runs `task` after every query and release queued before it. */
function enqueue<T>(task: () => Promise<T>): Promise<T> {
  const result = queue.then(task);
  queue = result.catch(() => undefined);
  return result;
}

export function solveZ3(problem: SmtProblem): Promise<SmtResult> {
  checkProblem(problem);
  return enqueue(() => solveAlone(problem));
}

async function solveAlone(problem: SmtProblem): Promise<SmtResult> {
  const { context: ctx, solver } = await load();
  solver.push();
  try {
    return await check(ctx, solver, problem);
  } finally {
    solver.pop();
  }
}

async function check(ctx: Context<'gauntlet'>, solver: Solver<'gauntlet'>, problem: SmtProblem): Promise<SmtResult> {
  const vars = problem.variables.map((v, i) => ctx.Real.const(`v${i}_${v.name}`));
  problem.variables.forEach((v, i) => solver.add(vars[i].ge(ctx.Real.val(toRational(v.lower))), vars[i].le(ctx.Real.val(toRational(v.upper)))));
  for (const c of problem.all) solver.add(constraint(ctx, vars, c));
  if (problem.any !== undefined) solver.add(ctx.Or(...problem.any.map((c) => constraint(ctx, vars, c))));
  const answer = await solver.check();
  if (answer === 'unsat') return { status: 'unsat' };
  if (answer === 'unknown') return { status: 'unknown', reason: solver.reasonUnknown() };
  const model = solver.model();
  const values = vars.map((v) => {
    const value = model.eval(v, true);
    if (!ctx.isRealVal(value)) throw new Error(`z3 gave ${value.sexpr()} for ${v.sexpr()}, not a rational`);
    const { numerator, denominator } = value.value();
    return rationalToNumber(numerator, denominator);
  });
  return { status: 'sat', model: Float64Array.from(values) };
}

/**
 * Ends Z3's worker threads so the process can exit; a later solve starts one again. Queued behind the
 * queries already asked: ending threads while a query starts a new one never settles.
 */
export function releaseZ3(): Promise<void> {
  const current = loaded;
  if (current === undefined) return Promise.resolve();
  return enqueue(async () => {
    const [{ z3 }, { killThreads }] = await Promise.all([current, import('z3-solver')]);
    await killThreads(z3.em);
  });
}
