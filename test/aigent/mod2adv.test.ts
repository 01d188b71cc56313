// mod2adv on inputs of six pixels, where every subset of pixels can be tried: the MILP's count is the
// least of any subset whose pixels alone reach the first-layer target, `sparse_lp` never beats it and
// leaves no pixel that could be dropped, and the input returned stays in the box and within δ.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { firstLayerPatch } from '../../attacks/aigent/first-layer-patch.js';
import { incrementDecrementMarks } from '../../attacks/aigent/marks.js';
import { inputChangeProgram, solveInputChange, type InputChangeProblem } from '../../attacks/aigent/mod2adv.js';
import { adversarialProperty, targetClasses } from '../../attacks/aigent/property.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { forwardTrace } from '../../harness/piecewise/affine-view.js';
import { loadSolver } from '../../harness/solvers/load-solver.js';
import type { LpSolver } from '../../harness/solvers/solver.js';
import { randomInputs, randomNet } from './networks.js';

const PIXELS = 6;

/** Pixel subsets (as lists), smallest first. */
function subsets(size: number): number[][] {
  const all = Array.from({ length: 2 ** size }, (_, mask) => Array.from({ length: size }, (_, i) => i).filter((i) => (mask >> i) & 1));
  return all.sort((a, b) => a.length - b.length);
}

function reaches(problem: InputChangeProblem, pixels: readonly number[], solver: LpSolver): boolean {
  return solver.solve(inputChangeProgram(problem, { integer: false, pixels }).program, { timeLimitS: 10 }).status === 'optimal';
}

/** First-layer targets that AIGENT's patches produce on small random networks, with their inputs. */
async function problems(solver: LpSolver): Promise<InputChangeProblem[]> {
  const found: InputChangeProblem[] = [];
  for (let seed = 0; seed < 8; seed++) {
    const net = randomNet(100 + seed, [PIXELS, 5, 5, 3]).piecewiseLinear();
    for (const input of randomInputs(seed, 3, PIXELS)) {
      const trace = forwardTrace(net, input);
      const logits = trace.post[trace.post.length - 1];
      let predicted = 0;
      for (let k = 1; k < logits.length; k++) if (logits[k] > logits[predicted]) predicted = k;
      const property = adversarialProperty(targetClasses('second_best', logits, predicted)[0], predicted, logits.length, false);
      const patch = await firstLayerPatch(
        { net, input, trace, property, marks: incrementDecrementMarks(net, property), margin: 0.01, aim: 0.01, phaseMargin: 1e-4, norm: 'l1', relaxation: 'marks', rounds: 4, timeLimitS: 10, signal: new AbortController().signal },
        solver,
      );
      if (patch.kind === 'patched') found.push({ layer: net.layers[0], input, pre: trace.pre[0], target: patch.target, delta: 0.9 });
    }
  }
  return found;
}

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('mod2adv', () => {
  it('MILP: the count is the least of any pixel subset that reaches the target (exhaustive over 64 subsets)', async () => {
    const highs = await loadSolver('highs');
    const glpk = await loadSolver('glpk');
    const cases = await problems(highs);
    let reachable = 0;
    for (const problem of cases) {
      const least = subsets(PIXELS).find((pixels) => reaches(problem, pixels, highs))?.length ?? null;
      for (const solver of [highs, glpk]) {
        const milp = solveInputChange(problem, solver, 10, 'milp');
        if (least === null) {
          expect(milp.adversarial).toBeNull();
          continue;
        }
        expect(milp.optimal).toBe(true);
        expect(milp.adversarial).not.toBeNull();
        const program = inputChangeProgram(problem, { integer: true });
        expect(solver.solve(program.program, { timeLimitS: 10 }).objective).toBeCloseTo(least, 6);
      }
      if (least !== null && least > 1) reachable++;
    }
    // cases needing more than one pixel were among them, so minimality was actually tested
    expect(reachable).toBeGreaterThan(3);
  });

  it('sparse_lp: never fewer pixels than the least, none of them removable, inside the box and within δ', async () => {
    const highs = await loadSolver('highs');
    for (const problem of await problems(highs)) {
      const least = subsets(PIXELS).find((pixels) => reaches(problem, pixels, highs))?.length ?? null;
      const found = solveInputChange(problem, highs, 10, 'sparse_lp');
      if (least === null) {
        expect(found.adversarial).toBeNull();
        continue;
      }
      const moved = found.adversarial as Float32Array;
      const support = Array.from({ length: PIXELS }, (_, i) => i).filter((i) => moved[i] !== problem.input[i]);
      expect(support.length).toBeGreaterThanOrEqual(least);
      for (const pixel of support) expect(reaches(problem, support.filter((i) => i !== pixel), highs)).toBe(false);
      for (let i = 0; i < PIXELS; i++) {
        expect(moved[i]).toBeGreaterThanOrEqual(0);
        expect(moved[i]).toBeLessThanOrEqual(1);
        expect(Math.abs(moved[i] - problem.input[i])).toBeLessThanOrEqual(problem.delta + 1e-7);
      }
    }
  });
});
