// A plot of the report: a Vega-Lite spec with the words a reader needs around it.
import type { TopLevelSpec } from 'vega-lite';

export interface Plot {
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

export const PLOT_WIDTH = 520;
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
