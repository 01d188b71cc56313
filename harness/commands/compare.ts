// `gauntlet compare <baseline> <current>`: did anything get worse beyond tolerance? Exit 1 if so.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareRuns, readRunSide, regressionCount } from '../compare/compare-runs.js';
import { comparisonCsv, comparisonMarkdown, comparisonText } from '../compare/render.js';
import { loadTolerances } from '../compare/tolerances.js';

export interface CompareArgs {
  baseline: string;
  current: string;
  tolerances?: string;
  /** directory for compare.md and compare.csv */
  out?: string;
}

/** 0: no regression; 1: a metric worse beyond tolerance or a baseline job missing (bad input throws, exit 2). */
export function compareCommand(args: CompareArgs): number {
  const tolerances = loadTolerances(args.tolerances);
  const comparison = compareRuns(readRunSide(args.baseline), readRunSide(args.current), tolerances);
  process.stdout.write(comparisonText(comparison) + '\n');
  if (args.out !== undefined) {
    mkdirSync(args.out, { recursive: true });
    writeFileSync(join(args.out, 'compare.md'), comparisonMarkdown(comparison));
    writeFileSync(join(args.out, 'compare.csv'), comparisonCsv(comparison));
    process.stdout.write(`written: ${join(args.out, 'compare.md')}, ${join(args.out, 'compare.csv')}\n`);
  }
  return regressionCount(comparison) > 0 ? 1 : 0;
}
