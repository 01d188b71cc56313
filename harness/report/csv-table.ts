// A CSV the harness left beside the leaderboard that is a list of findings rather than bounds
// (contradictions.csv): shown as a table, its first rows only.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface CsvTable {
  title: string;
  head: string[];
  rows: string[][];
  /** rows left out */
  more: number;
}

/** undefined for a file with a header and no rows: nothing was found. */
export function csvTable(path: string, title: string, limit: number): CsvTable | undefined {
  const [head, ...rows] = parse(readFileSync(path, 'utf8'), { skip_empty_lines: true, relax_column_count: true }) as string[][];
  if (head === undefined || rows.length === 0) return undefined;
  return { title, head, rows: rows.slice(0, limit), more: Math.max(0, rows.length - limit) };
}
