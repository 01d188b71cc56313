// How a person tells jobs apart in tables and plots: model · attack · threat, with the params added
// only where those three do not tell them apart (the same attack at two settings of one budget).
import type { ReadRow } from './leaderboard-read.js';

type Identity = Pick<ReadRow, 'model' | 'attack' | 'threat' | 'params' | 'job'>;

export function jobLabel(row: Identity, withParams = false): string {
  return `${row.model} · ${row.attack} · ${row.threat}${withParams ? ` ${row.params}` : ''}`;
}

/** Label per job hash, unique across `rows`. */
export function jobLabels(rows: readonly Identity[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(jobLabel(row), (counts.get(jobLabel(row)) ?? 0) + 1);
  return new Map(rows.map((row) => [row.job, jobLabel(row, (counts.get(jobLabel(row)) ?? 0) > 1)]));
}
