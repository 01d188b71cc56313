// What DeepCheck reports for one image: the first confirmed attack, or — when every candidate was
// proven unattackable — a lower bound on L0 that holds only along x's activation pattern and only for
// the pixels tried, so it carries that condition and is never a 'robust' verdict.
import type { BoundClaim, SampleOutcome } from '../../harness/types.js';
import type { SearchResult } from './search.js';

/** Beyond this many, unattackable candidates are counted, not listed (every pair of 784 pixels is 307,000). */
const UNATTACKABLE_LIST_LIMIT = 5000;

export interface OutcomeContext {
  index: number;
  t: 1 | 2;
  /** what the candidates range over, e.g. "the top-5% coi pixels (39)" */
  scope: string;
  /** input index → 1-based importance rank */
  rankOf: (pixel: number) => number;
  top5: number[];
  candidates: number;
  target?: number;
}

function details(search: SearchResult, ctx: OutcomeContext): Record<string, unknown> {
  const first = search.attacks[0];
  const list = (c: number[]) => (ctx.t === 1 ? c[0] : c);
  // a pair is as important as the less important of its two pixels: it lies within the top-r pixels
  const rank = (pixels: number[]) => Math.max(...pixels.map(ctx.rankOf));
  return {
    importance_top5: ctx.top5,
    candidates: ctx.candidates,
    checked: search.checked,
    solver_calls: search.solverCalls,
    attackable: search.attacks.map((a) => list(a.pixels)),
    attackable_ranks: search.attacks.map((a) => rank(a.pixels)),
    unattackable_count: search.unattackable.length,
    ...(search.unattackable.length <= UNATTACKABLE_LIST_LIMIT ? { unattackable: search.unattackable.map(list) } : {}),
    boundary: search.boundary.map(list),
    unconfirmed: search.unconfirmed.map(list),
    candidates_to_first: first?.position ?? null,
    solver_calls_to_first: first?.solverCalls ?? null,
    first_rank: first === undefined ? null : rank(first.pixels),
  };
}

function conditionalBound(search: SearchResult, ctx: OutcomeContext): BoundClaim[] {
  const provenAll = search.complete && search.attacks.length === 0 && search.boundary.length === 0 && search.unconfirmed.length === 0;
  if (!provenAll) return [];
  const changes = ctx.t === 1 ? 'one input value' : 'at most two input values';
  return [
    {
      kind: 'lower_bound',
      norm: 'l0',
      value: ctx.t + 1,
      strict: false,
      ...(ctx.target === undefined ? {} : { target: ctx.target }),
      condition: `x' keeps the ReLU activation pattern of x (path constraints composed in float64) and changes ${changes}, among ${ctx.scope}`,
    },
  ];
}

export function deepcheckOutcome(search: SearchResult, ctx: OutcomeContext): SampleOutcome {
  const base = { index: ctx.index, details: details(search, ctx) };
  if (!search.complete) {
    return { ...base, status: 'timeout', message: `stopped after ${search.checked} of ${ctx.candidates} candidates` };
  }
  const first = search.attacks[0];
  if (first !== undefined) {
    return { ...base, status: 'adversarial', adversarial: first.image, ...(ctx.target === undefined ? {} : { target: ctx.target }) };
  }
  return { ...base, status: 'not_found', claims: conditionalBound(search, ctx) };
}
