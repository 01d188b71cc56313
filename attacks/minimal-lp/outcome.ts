// What a finished search says about a sample: the adversarial to report, the other classes' adversarials
// for the harness to validate (examples), the bounds it proves (claims) and the per-target numbers (details).
import type { BoundClaim, SampleOutcome } from '../../harness/types.js';
import type { Candidate } from './polish.js';
import type { MinimalLpParams } from './params.js';
import type { SearchBudget } from './search-budget.js';

export interface SampleSearch {
  index: number;
  params: MinimalLpParams;
  /** the classes searched (every class but the label, or the one asked for) */
  targets: readonly number[];
  /** one incumbent for all targets (untargeted) */
  shared: boolean;
  /** the declared threat budget: adversarials are reported up to this L1 */
  radius: number;
  /** per target: the margin-free minimum over the regions searched; absent when none is within the caps */
  minima: ReadonlyMap<number, number>;
  /** per target: the minimum inside x's own region (Infinity when the target cannot win there) */
  local: ReadonlyMap<number, number>;
  /** per target: the adversarial the model's float32 prediction confirmed */
  accepted: ReadonlyMap<number, Candidate>;
  /** targets whose polished point the model did not label as the target */
  rejected: ReadonlySet<number>;
  budget: SearchBudget;
}

/** LP tolerances (1e-7 on rows and bounds) may place an optimum a hair off; claims keep this much below it. */
function slack(value: number): number {
  return 1e-6 * (1 + value);
}

const LOCAL_CONDITION = "within x's own linear region (its activation pattern)";

/** Up to which L1 a complete search is exact: regions are those reachable within ε; the MILP covers the whole budget. */
export function exactUpTo(search: Pick<SampleSearch, 'params' | 'radius'>): number {
  switch (search.params.mode) {
    case 'regions':
      return search.params.epsilon;
    case 'milp':
      return search.radius;
    case 'local':
      return 0;
  }
}

const finite = (value: number | undefined): number | null => (value === undefined || !Number.isFinite(value) ? null : value);

export function outcomeOf(search: SampleSearch): SampleOutcome {
  const { params: p, budget } = search;
  const proves = p.mode !== 'local' && budget.complete;
  const exact = exactUpTo(search);
  const minimum = Math.min(...search.targets.map((t) => search.minima.get(t) ?? Infinity));
  const chosen = [...search.accepted.values()].sort((a, b) => a.l1 - b.l1 || a.target - b.target)[0];
  const details = {
    mode: p.mode,
    complete: budget.complete,
    stopped: budget.stopped ?? null,
    lps_solved: budget.lps,
    regions_enumerated: budget.regions,
    regions_feasible: budget.feasibleRegions,
    solver_failures: budget.failures,
    min_l1: finite(minimum),
    min_l1_exact: proves && minimum <= exact,
    local_l1: finite(Math.min(...search.targets.map((t) => search.local.get(t) ?? Infinity))),
    ...(search.shared
      ? { min_l1_target: chosen?.target ?? null }
      : {
          targets: search.targets.map((target) => {
            const value = search.minima.get(target) ?? Infinity;
            const candidate = search.accepted.get(target);
            return {
              target,
              min_l1: finite(value),
              exact: proves && value <= exact,
              local_l1: finite(search.local.get(target)),
              adversarial_l1: candidate?.l1 ?? null,
              margin: candidate?.margin ?? null,
              checked: candidate !== undefined,
            };
          }),
        }),
    ...(search.rejected.size > 0 ? { float32_rejected: [...search.rejected] } : {}),
  };
  const claims = claimsOf(search, proves, exact, minimum);
  if (chosen !== undefined) {
    // every other class's adversarial goes to the harness too: the per-class columns count only its verdicts
    const examples = [...search.accepted.values()]
      .filter((c) => c !== chosen)
      .sort((a, b) => a.target - b.target)
      .map((c) => ({ adversarial: c.adversarial, target: c.target }));
    return {
      status: 'adversarial',
      index: search.index,
      adversarial: chosen.adversarial,
      ...(search.shared ? {} : { target: chosen.target }),
      details,
      claims,
      ...(examples.length > 0 ? { examples } : {}),
    };
  }
  if (proves && minimum > exact) return { status: 'robust', index: search.index, region: `L1 ≤ ${exact}`, details, claims };
  return { status: 'not_found', index: search.index, details, claims };
}

/**
 * A complete search bounds every adversarial: by the minimum it found when that is within its exact
 * range, else by the range itself. The local baseline proves only about x's own region: its claims
 * carry that condition. An incomplete search claims nothing.
 */
function claimsOf(search: SampleSearch, proves: boolean, exact: number, minimum: number): BoundClaim[] {
  const bound = (value: number, target?: number, condition?: string): BoundClaim => ({
    kind: 'lower_bound',
    norm: 'l1',
    value: Math.max(0, value - slack(value)),
    strict: false,
    ...(target === undefined ? {} : { target }),
    ...(condition === undefined ? {} : { condition }),
  });
  if (search.params.mode === 'local') {
    if (!search.budget.complete) return [];
    const local = (t: number): number => Math.min(search.local.get(t) ?? Infinity, search.radius);
    if (search.shared) return [bound(Math.min(...search.targets.map(local)), undefined, LOCAL_CONDITION)];
    return search.targets.map((t) => bound(local(t), t, LOCAL_CONDITION));
  }
  if (!proves) return [];
  if (search.shared) return [bound(Math.min(minimum, exact))];
  const perTarget = search.targets.map((t) => bound(Math.min(search.minima.get(t) ?? Infinity, exact), t));
  if (search.params.target !== 'each') return perTarget;
  return [bound(Math.min(minimum, exact)), ...perTarget];
}
