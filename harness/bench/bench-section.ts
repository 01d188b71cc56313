// A part of `gauntlet bench`: a named group of figures, selectable with `--only <id>`.
import type { Dataset } from '../data/dataset.js';
import type { ModelHandle } from '../types.js';
import type { BenchFigure } from './figure.js';

export interface BenchContext {
  /** the MNIST test split */
  test: Dataset;
  /** timed repetitions per figure (--runs); slow figures may use fewer and say so in their name */
  runs: number;
  /** a zoo model, routed through the worker pool when the bench runs one */
  model(name: string): Promise<ModelHandle>;
  log(line: string): void;
}

export interface BenchSection {
  id: string;
  /** what the section measures, for `gauntlet bench --help` and the start-up line */
  describe: string;
  /** zoo models the section uses (loaded into the worker pool up front) */
  models: readonly string[];
  run(context: BenchContext): Promise<BenchFigure[]>;
}
