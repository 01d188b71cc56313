// Minimal L1 adversarial examples by linear programming over the linear regions of a ReLU network
// (Dathathri, Zheng, Gao, Murray, "Measuring the Robustness of Neural Networks via Minimal Adversarial
// Examples"), with the input's own region as the baseline of Bastani et al. and a MILP as the exact reference.
import { definePlugin } from '../../harness/plugin.js';
import { loadSolver } from '../../harness/solvers/load-solver.js';
import { countedSolver, type LpSolver } from '../../harness/solvers/solver.js';
import type { AttackContext, ModelHandle, SampleInput, SampleOutcome } from '../../harness/types.js';
import { frequencyColumns } from './frequency.js';
import { Incumbents, type Best } from './incumbents.js';
import { solveLocalRegion } from './local-region.js';
import { searchMilp } from './milp-search.js';
import { outcomeOf } from './outcome.js';
import { minimalLpParams, reportRadius, type MinimalLpParams } from './params.js';
import { polish, type Candidate } from './polish.js';
import { RegionProgram } from './region-program.js';
import { searchRegions } from './region-search.js';
import { SearchBudget } from './search-budget.js';

/** Margins tried, each ten times the last, before a target's polished point counts as rejected by float32. */
const MARGIN_ATTEMPTS = 3;

function targetsOf(p: MinimalLpParams, label: number, numClasses: number): number[] {
  if (typeof p.target === 'number') {
    if (p.target >= numClasses) throw new Error(`target ${p.target} does not exist: the model has ${numClasses} classes`);
    return p.target === label ? [] : [p.target];
  }
  return Array.from({ length: numClasses }, (_, k) => k).filter((k) => k !== label);
}

async function attackSample(ctx: AttackContext<MinimalLpParams>, solver: LpSolver, sample: SampleInput): Promise<SampleOutcome> {
  const p = ctx.params;
  const net = ctx.model.piecewiseLinear();
  const targets = targetsOf(p, sample.label, ctx.model.numClasses);
  if (targets.length === 0) return { status: 'not_found', index: sample.index, details: { mode: p.mode, reason: `the target ${p.target} is the label` } };
  const x0 = sample.x;
  const radius = reportRadius(p);
  const shared = p.target === 'untargeted';
  const budget = new SearchBudget(p.max_regions, p.time_limit_s, ctx.signal);
  const incumbents = new Incumbents(shared);
  const program = new RegionProgram(solver, net, x0);
  try {
    const local = solveLocalRegion(net, x0, program, targets, radius, budget, incumbents);
    if (p.mode === 'regions') searchRegions({ net, x0, program, targets, epsilon: p.epsilon, maxL1: radius, budget, incumbents });
    if (p.mode === 'milp') searchMilp({ net, x0, solver, targets, radius, budget, incumbents });
    if (budget.stopped === 'aborted') return { status: 'timeout', index: sample.index, message: `aborted after ${budget.lps} LPs` };

    const minima = new Map<number, number>();
    for (const target of targets) {
      const best = incumbents.get(target);
      if (best !== undefined && best.value <= radius) minima.set(target, best.value);
    }
    // untargeted needs one adversarial, the closest that float32 confirms; targeted needs one per class
    const wanted = [...minima.keys()].sort((a, b) => (minima.get(a) as number) - (minima.get(b) as number) || a - b);
    const accepted = new Map<number, Candidate>();
    const rejected = new Set<number>();
    for (const group of shared ? wanted.map((t) => [t]) : [wanted]) {
      let pending = group;
      for (let attempt = 0; attempt < MARGIN_ATTEMPTS && pending.length > 0; attempt++) {
        const margin = p.margin * 10 ** attempt;
        const candidates = pending.flatMap((t) => polish(net, x0, program, t, (incumbents.get(t) as Best).pattern, margin, radius, budget) ?? []);
        const confirmed = await confirm(ctx.model, candidates);
        for (const c of confirmed) accepted.set(c.target, c);
        pending = pending.filter((t) => !accepted.has(t));
      }
      for (const t of pending) rejected.add(t);
      if (shared && accepted.size > 0) break;
    }
    return outcomeOf({ index: sample.index, params: p, targets, shared, radius, minima, local: local.values, accepted, rejected, budget });
  } finally {
    program.dispose();
  }
}

/** The candidates the model itself (float32) labels as their target, in one batch. */
async function confirm(model: ModelHandle, candidates: readonly Candidate[]): Promise<Candidate[]> {
  if (candidates.length === 0) return [];
  const batch = new Float32Array(candidates.length * model.inputSize);
  candidates.forEach((c, k) => batch.set(c.adversarial, k * model.inputSize));
  const labels = await model.classify(batch);
  return candidates.filter((c, k) => labels[k] === c.target);
}

export const minimalLp = definePlugin<MinimalLpParams>({
  id: 'minimal-lp',
  summary: 'Minimal L1 adversarial by LPs over the linear regions within ε (Dathathri et al.); local = own region only (Bastani et al.); milp = exact reference',
  kind: 'verifier',
  params: minimalLpParams,
  needs: ['piecewise-linear'],
  chunkSize: () => 1,
  threat: (p) => ({ norm: 'l1', budget: reportRadius(p) }),
  async *run(ctx): AsyncGenerator<SampleOutcome> {
    const solver = countedSolver(await loadSolver(ctx.params.solver), ctx.solverCalls);
    for (const sample of ctx.samples) {
      if (ctx.signal.aborted) {
        yield { status: 'timeout', index: sample.index, message: 'aborted before the search started' };
        continue;
      }
      yield await attackSample(ctx, solver, sample);
    }
  },
  leaderboard: (records, p) => frequencyColumns(records, p),
});
