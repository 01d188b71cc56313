// DeepCheck-tPA's constraint problem for a set of symbolic pixels, every other pixel kept at x:
// (1) the path condition — each ReLU unit the pixels reach keeps its phase — and (2) the label
// changes. Two versions of it are asked:
// - the exact question (margin 0): phases and argmax exactly as the float64 view defines them (active
//   means pre > 0; ties go to the lower class, as tf.argMax). Its unsat is DeepCheck's guarantee.
// - the witness question (margin κ > 0): every phase and the winning logit clear their boundary by κ,
//   so the float32 model the harness re-checks with sees the same pattern and the same new label.
// Units the pixels cannot reach keep their value at x, so they add no constraint.
import type { LinearConstraint, SmtProblem } from '../../harness/solvers/smt/problem.js';
import type { PathLinearization } from './path-linearization.js';

export interface LabelGoal {
  /** the label x has */
  label: number;
  /** the class the attack must reach; undefined: any other class */
  target?: number;
}

/** Σ_j g_j·v_j − Σ_j g_j·x_j + value: an affine expression of the symbolic pixels worth `value` at x. */
function affine(gradients: readonly number[], pixels: readonly number[], x: Float32Array, value: number, relation: LinearConstraint['relation'], bound: number): LinearConstraint {
  let atX = 0;
  for (let i = 0; i < pixels.length; i++) atX += gradients[i] * x[pixels[i]];
  return { terms: gradients, relation, rhs: bound - value + atX };
}

function pathCondition(path: PathLinearization, pixels: readonly number[], margin: number): LinearConstraint[] {
  const columns = pixels.map((p) => path.unitGradient(p));
  const constraints: LinearConstraint[] = [];
  for (let u = 0; u < path.units; u++) {
    const gradients = columns.map((column) => column[u]);
    if (gradients.every((g) => g === 0)) continue;
    const pre = path.pre[u];
    if (path.active[u] === 1) constraints.push(affine(gradients, pixels, path.x, pre, margin > 0 ? '>=' : '>', margin));
    else constraints.push(affine(gradients, pixels, path.x, pre, '<=', -margin));
  }
  return constraints;
}

/** y_winner − y_loser, which must be > 0 (≥ 0 when the winner has the lower index and margin is 0), or ≥ margin. */
function beats(path: PathLinearization, pixels: readonly number[], winner: number, loser: number, margin: number): LinearConstraint {
  const n = path.inputSize;
  const gradients = pixels.map((p) => path.logitGradient[winner * n + p] - path.logitGradient[loser * n + p]);
  const value = path.logits[winner] - path.logits[loser];
  const relation = margin > 0 || winner < loser ? '>=' : '>';
  return affine(gradients, pixels, path.x, value, relation, margin);
}

export function pathProblem(path: PathLinearization, pixels: readonly number[], goal: LabelGoal, margin: number): SmtProblem {
  const variables = pixels.map((p) => ({ name: `x${p}`, lower: 0, upper: 1 }));
  const all = pathCondition(path, pixels, margin);
  const others = Array.from({ length: path.numClasses }, (_, k) => k).filter((k) => k !== (goal.target ?? goal.label));
  if (goal.target !== undefined) {
    const target = goal.target;
    return { variables, all: [...all, ...others.map((k) => beats(path, pixels, target, k, margin))] };
  }
  return { variables, all, any: others.map((k) => beats(path, pixels, k, goal.label, margin)) };
}
