// The leaderboard as a terminal table, for the end of a run.
import type { LeaderboardRow } from '../results/leaderboard.js';

const COLUMNS: { key: keyof LeaderboardRow; title: string }[] = [
  { key: 'model', title: 'model' },
  { key: 'attack', title: 'attack' },
  { key: 'threat', title: 'threat' },
  { key: 'attacked', title: 'attacked' },
  { key: 'adversarial', title: 'adv' },
  { key: 'invalid', title: 'invalid' },
  { key: 'success_rate', title: 'success%' },
  { key: 'mean_l0', title: 'L0' },
  { key: 'mean_l2', title: 'L2' },
  { key: 'mean_linf', title: 'Linf' },
  { key: 'mean_time_s', title: 's/sample' },
];

function cell(value: string | number): string {
  return typeof value === 'number' && !Number.isInteger(value) ? value.toPrecision(4) : String(value);
}

export function formatSummary(rows: readonly LeaderboardRow[]): string {
  const table = [COLUMNS.map((c) => c.title), ...rows.map((row) => COLUMNS.map((c) => cell(row[c.key])))];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((line) => line[i].length)));
  return table.map((line) => line.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
