// The paper's search over linear regions (Algorithm 1), made complete and pruned by the best bound.
//
// GetSwitchingNodes/GetInputRegions bound every layer over the ball (ball-bounds.ts). The switching
// units are then decided one at a time, and every partial decision is checked by an LP over the region
// it leaves (CheckAct/GetFeasibleRegions: a combination whose LP is infeasible is no feasible region,
// and its whole subtree goes). Undecided units enter that LP relaxed, so its optimum bounds every region
// below it: subtrees that cannot beat the best region found are pruned, the rest are explored
// best-first, all target classes in one queue. Each complete pattern is one linear region P_i, solved
// exactly; the smallest optimum over them is the minimal adversarial (Lemma 1).
import type { PiecewiseLinearNet } from '../../harness/piecewise/affine-view.js';
import { forwardTrace } from '../../harness/piecewise/affine-view.js';
import { ACTIVE, copyPattern, FREE, freePattern, INACTIVE, isFull, patternOf, type Pattern } from './activation-pattern.js';
import { ballBounds, patternBounds, type Interval } from './ball-bounds.js';
import type { Incumbents } from './incumbents.js';
import { NodeQueue } from './node-queue.js';
import type { RegionProgram, RegionSolution } from './region-program.js';
import type { SearchBudget } from './search-budget.js';

export interface RegionSearch {
  net: PiecewiseLinearNet;
  x0: ArrayLike<number>;
  program: RegionProgram;
  targets: readonly number[];
  /** regions are those reachable within this L1 radius; minima up to it are exact */
  epsilon: number;
  /** regions' optima are reported up to this L1 (≥ epsilon), as upper bounds beyond epsilon */
  maxL1: number;
  budget: SearchBudget;
  incumbents: Incumbents;
}

interface Node {
  target: number;
  pattern: Pattern;
}

/** Subtrees whose bound is within this relative distance of the incumbent cannot improve it meaningfully. */
const PRUNE_TOLERANCE = 1e-7;
/** A relaxed unit whose output differs from ReLU(input) by less than this is taken as decided by the LP. */
const VIOLATION_TOLERANCE = 1e-7;
/** A target's ball is recomputed once its incumbent falls below this share of the ball's radius. */
const SHRINK = 0.9;

/** Searches until every subtree is pruned or explored (complete) or the budget stops it. */
export function searchRegions(search: RegionSearch): void {
  const { net, x0, program, budget, incumbents } = search;
  const balls = new Map<number, { radius: number; bounds: Interval[] }>();
  // anything better than the incumbent lies within its L1, so each target's ball shrinks with it
  const ballFor = (target: number): { radius: number; bounds: Interval[] } | undefined => {
    const radius = Math.min(search.epsilon, incumbents.cap(target));
    if (!(radius > 0)) return undefined;
    const current = balls.get(target);
    if (current !== undefined && radius >= SHRINK * current.radius) return current;
    const ball = [...balls.values()].find((known) => known.radius === radius) ?? { radius, bounds: ballBounds(net, x0, radius) };
    balls.set(target, ball);
    return ball;
  };

  // every target's root first, then one target at a time, the most promising (lowest root bound) first
  const roots = new NodeQueue<Node>();
  for (const target of search.targets) roots.push(0, { target, pattern: freePattern(net) });
  const queues = new Map<number, NodeQueue<Node>>(search.targets.map((t) => [t, new NodeQueue<Node>()]));
  const order: { key: number; target: number }[] = [];
  const expand = (queue: NodeQueue<Node>, entry: { key: number; item: Node }): boolean => {
    const { target } = entry.item;
    const cap = incumbents.cap(target);
    if (entry.key >= cap - PRUNE_TOLERANCE * (1 + cap)) return true;
    const ball = ballFor(target);
    if (ball === undefined) return true;
    const bounds = patternBounds(net, ball.bounds, entry.item.pattern, x0, ball.radius);
    if (bounds === null) return true;
    const pattern = settled(entry.item.pattern, bounds);
    if (!budget.allows()) return false;
    budget.lps++;
    if (isFull(pattern)) {
      budget.regions++;
      const region = program.solve({ target, pattern, bounds: null, cap: Math.min(cap, search.maxL1), margin: 0, timeLimitS: budget.remainingS() });
      if (region.status === 'optimal') {
        budget.feasibleRegions++;
        incumbents.offer(target, region.value, pattern);
      } else if (region.status !== 'infeasible') {
        budget.failures++;
      }
      return true;
    }
    const relaxed = program.solve({ target, pattern, bounds, cap: Math.min(cap, ball.radius), margin: 0, timeLimitS: budget.remainingS() });
    if (relaxed.status === 'infeasible') return true;
    if (relaxed.status !== 'optimal') {
      budget.failures++;
      return true;
    }
    if (relaxed.value >= cap - PRUNE_TOLERANCE * (1 + cap)) return true;
    if (queue === roots) order.push({ key: relaxed.value, target });
    const own = queues.get(target) as NodeQueue<Node>;
    if (cap > ball.radius) {
      // no incumbent inside the ball yet: the region the relaxation's optimum really lies in is a cheap guess at one
      own.push(relaxed.value, { target, pattern: patternOf(forwardTrace(net, relaxed.x).pre, net) });
    }
    const unit = branchingUnit(pattern, relaxed);
    if (unit === undefined) {
      // the relaxation's optimum is a real point of the network: its own region is the subtree's best
      own.push(relaxed.value, { target, pattern: decidedBy(pattern, relaxed) });
      return true;
    }
    for (const phase of [ACTIVE, INACTIVE]) {
      const child = copyPattern(pattern);
      child[unit.layer][unit.index] = phase;
      own.push(relaxed.value, { target, pattern: child });
    }
    return true;
  };
  for (let entry = roots.pop(); entry !== undefined; entry = roots.pop()) if (!expand(roots, entry)) return;
  order.sort((a, b) => a.key - b.key || a.target - b.target);
  for (const { target } of order) {
    const queue = queues.get(target) as NodeQueue<Node>;
    for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) if (!expand(queue, entry)) return;
  }
}

/** Units the bounds already decide within the subtree are fixed: they do not switch there. */
function settled(pattern: Pattern, bounds: readonly Interval[]): Pattern {
  const out = copyPattern(pattern);
  out.forEach((phases, l) => {
    for (let u = 0; u < phases.length; u++) {
      if (phases[u] !== FREE) continue;
      if (bounds[l].lower[u] >= 0) phases[u] = ACTIVE;
      else if (bounds[l].upper[u] <= 0) phases[u] = INACTIVE;
    }
  });
  return out;
}

/** The relaxed unit whose output the LP's optimum misrepresents most (the gap between y and ReLU(z)). */
function branchingUnit(pattern: Pattern, solution: RegionSolution): { layer: number; index: number } | undefined {
  let best: { layer: number; index: number } | undefined;
  let worst = VIOLATION_TOLERANCE;
  pattern.forEach((phases, l) => {
    for (let u = 0; u < phases.length; u++) {
      if (phases[u] !== FREE) continue;
      const violation = solution.post[l][u] - Math.max(solution.pre[l][u], 0);
      if (violation > worst) {
        worst = violation;
        best = { layer: l, index: u };
      }
    }
  });
  return best;
}

function decidedBy(pattern: Pattern, solution: RegionSolution): Pattern {
  const out = copyPattern(pattern);
  out.forEach((phases, l) => {
    for (let u = 0; u < phases.length; u++) if (phases[u] === FREE) phases[u] = solution.pre[l][u] > 0 ? ACTIVE : INACTIVE;
  });
  return out;
}
