// A plot for a CSV file a plugin or the harness left in the run, read from its columns rather than its
// name, so files that land later get plotted too. Columns named like `lower` and `upper` are bounds:
// a band over a sequence (anytime bounds: per t or per second) or an interval per row (robustness
// brackets: per sample index); a short text column splits it into panels. Any other CSV: each numeric
// column against the first.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { TopLevelSpec } from 'vega-lite';
import { PLOT_WIDTH, SCHEMA, type Plot } from './plot.js';

type Row = Record<string, string | number | null>;

const MAX_SERIES = 6;
const MAX_PANELS = 8;

interface Columns {
  numeric: string[];
  /**
   * text columns with 2 to MAX_PANELS distinct values, usable as panels or colours: a `norm` column
   * first (distances in different norms share no scale), then by number of distinct values
   */
  categorical: string[];
}

function analyse(rows: readonly Record<string, string>[], names: readonly string[]): { columns: Columns; values: Row[] } {
  const numeric = names.filter((c) => rows.some((r) => r[c] !== '') && rows.every((r) => r[c] === '' || Number.isFinite(Number(r[c]))));
  const distinct = new Map(names.map((c) => [c, new Set(rows.map((r) => r[c])).size]));
  const rank = (c: string): number => (/norm/i.test(c) ? Infinity : (distinct.get(c) as number));
  const categorical = names
    .filter((c) => !numeric.includes(c) && (distinct.get(c) as number) >= 2 && (distinct.get(c) as number) <= MAX_PANELS)
    .sort((a, b) => rank(b) - rank(a));
  const values = rows.map((r) => Object.fromEntries(names.map((c) => [c, r[c] === '' ? null : numeric.includes(c) ? Number(r[c]) : r[c]])));
  return { columns: { numeric, categorical }, values };
}

const BOUND = /lower|upper/i;
/** the middle of the bounds, drawn as a line between them */
const ESTIMATE = /estimate|centre|center|mid/i;
/** derived from the bounds: never the x axis */
const DERIVED = /radius/i;
/** x columns that number independent rows (samples), whose bounds are not a sequence even when sorted */
const ROW_ID = /^(index|sample|sample_index|id)$/i;

/** Whether x only grows down the file within each panel: a sequence to draw as lines, not scattered rows. */
function sequential(values: readonly Row[], x: string, panel: string | undefined): boolean {
  const last = new Map<unknown, number>();
  for (const row of values) {
    const key = panel === undefined ? '' : row[panel];
    const value = row[x];
    if (typeof value !== 'number') return false;
    if ((last.get(key) ?? -Infinity) >= value) return false;
    last.set(key, value);
  }
  return true;
}

/** `inner` (marks and encodings) over the data, in one panel per value of `panel` when given. */
function faceted(values: Row[], panel: string | undefined, inner: Record<string, unknown>): TopLevelSpec {
  if (panel === undefined) return { $schema: SCHEMA, data: { values }, width: PLOT_WIDTH, height: 220, ...inner } as TopLevelSpec;
  return {
    $schema: SCHEMA,
    data: { values },
    facet: { row: { field: panel, type: 'nominal' } },
    spec: { width: PLOT_WIDTH, height: 160, ...inner },
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

function boundsPlot(values: Row[], columns: Columns, lower: string, upper: string, x: string, title: string): Plot {
  const panel = columns.categorical[0];
  const estimate = columns.numeric.find((c) => ESTIMATE.test(c));
  const xEnc = { field: x, type: 'quantitative', title: x };
  if (!ROW_ID.test(x) && sequential(values, x, panel)) {
    const lines = [lower, upper, ...(estimate === undefined ? [] : [estimate])];
    const layer = {
      layer: [
        { mark: { type: 'area', opacity: 0.2 }, encoding: { x: xEnc, y: { field: lower, type: 'quantitative', title: 'bound' }, y2: { field: upper } } },
        {
          transform: [{ fold: lines, as: ['bound', 'value'] }],
          mark: { type: 'line', point: true, tooltip: true },
          encoding: { x: xEnc, y: { field: 'value', type: 'quantitative', title: 'bound' }, color: { field: 'bound', type: 'nominal', sort: lines } },
        },
      ],
    };
    return { title, caption: `${lower} and ${upper}${estimate === undefined ? '' : ` (and ${estimate})`} against ${x}: the band is what is not yet decided.`, spec: faceted(values, panel, layer) };
  }
  const layer = {
    layer: [
      { mark: { type: 'rule', tooltip: true }, encoding: { x: xEnc, y: { field: lower, type: 'quantitative', title: 'bound' }, y2: { field: upper } } },
      { mark: { type: 'tick', orient: 'horizontal', color: '#1f77b4' }, encoding: { x: xEnc, y: { field: lower, type: 'quantitative' } } },
      { mark: { type: 'tick', orient: 'horizontal', color: '#d62728' }, encoding: { x: xEnc, y: { field: upper, type: 'quantitative' } } },
    ],
  };
  return { title, caption: `Per ${x}: the interval from ${lower} (blue) to ${upper} (red).`, spec: faceted(values, panel, layer) };
}

function seriesPlot(values: Row[], columns: Columns, x: string, title: string): Plot | undefined {
  const series = columns.numeric.filter((c) => c !== x).slice(0, MAX_SERIES);
  if (series.length === 0) return undefined;
  const line = sequential(values, x, undefined);
  const colour = columns.categorical[0];
  return {
    title,
    caption: `Each numeric column against ${x}${series.length < columns.numeric.length - 1 ? ` (the first ${MAX_SERIES})` : ''}.`,
    spec: {
      $schema: SCHEMA,
      data: { values },
      transform: [{ fold: series, as: ['series', 'value'] }],
      facet: { row: { field: 'series', type: 'nominal', title: null, sort: series } },
      spec: {
        width: PLOT_WIDTH,
        height: 120,
        mark: line ? { type: 'line', point: true, tooltip: true } : { type: 'point', tooltip: true },
        encoding: {
          x: { field: x, type: 'quantitative', title: x },
          y: { field: 'value', type: 'quantitative', title: null },
          ...(colour === undefined ? {} : { color: { field: colour, type: 'nominal' } }),
        },
      },
      resolve: { scale: { y: 'independent' } },
    } as TopLevelSpec,
  };
}

/**
 * undefined when the file has nothing to plot (no rows, or fewer than two numeric columns), or, with
 * `boundsOnly`, when it holds no bounds (a list of findings reads better as a table).
 */
export function csvPlot(path: string, title: string, options: { boundsOnly?: boolean } = {}): Plot | undefined {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  if (rows.length === 0) return undefined;
  const names = Object.keys(rows[0]);
  const { columns, values } = analyse(rows, names);
  const lower = columns.numeric.find((c) => /lower/i.test(c));
  const upper = columns.numeric.find((c) => /upper/i.test(c));
  const x = columns.numeric.find((c) => !BOUND.test(c) && !ESTIMATE.test(c) && !DERIVED.test(c));
  if (lower !== undefined && upper !== undefined) {
    if (x !== undefined) return boundsPlot(values, columns, lower, upper, x, title);
    const numbered = values.map((row, k) => ({ ...row, row: k + 1 }));
    return boundsPlot(numbered, { ...columns, numeric: ['row', ...columns.numeric] }, lower, upper, 'row', title);
  }
  return x === undefined || options.boundsOnly === true ? undefined : seriesPlot(values, columns, x, title);
}
