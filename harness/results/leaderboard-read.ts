// Reading leaderboard.csv back (compare, report): every cell as written, numbers parsed where they are numbers.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';

/** A leaderboard row as read: the identifying columns as text, every other cell a number, text, or null when empty. */
export interface ReadRow {
  dataset: string;
  split: string;
  model: string;
  attack: string;
  params: string;
  threat: string;
  job: string;
  cells: Record<string, number | string | null>;
}

const KEY_COLUMNS = ['dataset', 'split', 'model', 'attack', 'params', 'threat', 'job'] as const;

export interface ReadLeaderboard {
  /** in file order, as the run wrote them (v1 columns, then plugin columns) */
  columns: string[];
  rows: ReadRow[];
}

export function readLeaderboard(path: string): ReadLeaderboard {
  if (!existsSync(path)) throw new UserError(`${path}: no such file; expected the leaderboard.csv of a gauntlet run`);
  let table: string[][];
  try {
    table = parse(readFileSync(path, 'utf8'), { skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new UserError(`${path}: not a readable CSV (${error instanceof Error ? error.message : String(error)}); expected a gauntlet leaderboard.csv`);
  }
  const [header, ...body] = table;
  const missing = KEY_COLUMNS.filter((c) => !(header ?? []).includes(c));
  if (header === undefined || missing.length > 0) throw new UserError(`${path}: no column ${missing.join(', ')}; expected a gauntlet leaderboard.csv (contract v1)`);
  const rows = body.map((line): ReadRow => {
    const cells: Record<string, number | string | null> = {};
    header.forEach((column, k) => (cells[column] = cell(line[k])));
    const text = (column: (typeof KEY_COLUMNS)[number]): string => line[header.indexOf(column)];
    return { dataset: text('dataset'), split: text('split'), model: text('model'), attack: text('attack'), params: text('params'), threat: text('threat'), job: text('job'), cells };
  });
  return { columns: header, rows };
}

function cell(text: string): number | string | null {
  if (text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) && /^[-+0-9.eE]+$/.test(text) ? value : text;
}
