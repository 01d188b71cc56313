// How far a leaderboard metric may move before `gauntlet compare` calls it a change, and which way
// is worse. Defaults cover the v1 columns; a YAML file overrides them or adds plugin columns.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.js';

/** Which way is better; with `either` any move beyond the tolerance is a regression. */
export type Better = 'higher' | 'lower' | 'either';

export type Tolerance =
  /** |current − baseline| ≤ abs */
  | { better: Better; abs: number }
  /** |current − baseline| ≤ rel · |baseline| */
  | { better: Better; rel: number }
  /** baseline / ratio ≤ current ≤ baseline · ratio (wall times, which vary with the machine) */
  | { better: Better; ratio: number };

export type Tolerances = ReadonlyMap<string, Tolerance>;

export const DEFAULT_TOLERANCES: Tolerances = new Map<string, Tolerance>([
  ['success_rate', { better: 'higher', abs: 2 }],
  ['mean_l0', { better: 'lower', rel: 0.05 }],
  ['mean_l1', { better: 'lower', rel: 0.05 }],
  ['mean_l2', { better: 'lower', rel: 0.05 }],
  ['mean_linf', { better: 'lower', rel: 0.05 }],
  ['mean_time_s', { better: 'lower', ratio: 3 }],
  // deterministic: any change means the plugin now does different work, so the baseline must be renewed
  ['forward_passes', { better: 'either', abs: 0 }],
  ['gradient_calls', { better: 'either', abs: 0 }],
  ['solver_calls', { better: 'either', abs: 0 }],
  // a different count of attacked or skipped samples means different data or a different model
  ['samples', { better: 'either', abs: 0 }],
  ['attacked', { better: 'either', abs: 0 }],
  ['skipped', { better: 'either', abs: 0 }],
  ['invalid', { better: 'lower', abs: 0 }],
  ['errors', { better: 'lower', abs: 0 }],
  ['timeouts', { better: 'lower', abs: 0 }],
  ['robust', { better: 'higher', abs: 0 }],
]);

const better = z.enum(['higher', 'lower', 'either']);
const rule = z
  .object({
    abs: z.number().nonnegative().optional(),
    rel: z.number().nonnegative().optional(),
    ratio: z.number().min(1).optional(),
    better: better.optional(),
  })
  .strict()
  .refine((r) => [r.abs, r.rel, r.ratio].filter((v) => v !== undefined).length === 1, { message: 'give exactly one of abs, rel, ratio' });

const fileSchema = z.object({ metrics: z.record(z.string(), rule) }).strict();

export function describeTolerance(t: Tolerance): string {
  if ('abs' in t) return t.abs === 0 ? 'exact' : `±${t.abs}`;
  if ('rel' in t) return `±${+(t.rel * 100).toFixed(6)}%`;
  return `×${t.ratio}`;
}

/** The defaults, with the file's rules on top (a rule for a new metric must say which way is better). */
export function loadTolerances(file: string | undefined): Tolerances {
  if (file === undefined) return DEFAULT_TOLERANCES;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`--tolerances ${file}: cannot be read; expected a YAML file like configs/tolerances.yaml`);
  }
  let input: unknown;
  try {
    input = parse(text);
  } catch (error) {
    throw new UserError(`${file}: invalid YAML (${(error instanceof Error ? error.message : String(error)).split('\n')[0]})`);
  }
  const parsed = fileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.length > 0 ? issue.path.join('.') : 'top level';
    throw new UserError(`${file}: ${path}: ${issue.message}; expected metrics: {<column>: {abs|rel|ratio: number, better: higher|lower|either}}`);
  }
  const merged = new Map(DEFAULT_TOLERANCES);
  for (const [metric, r] of Object.entries(parsed.data.metrics)) {
    const direction = r.better ?? DEFAULT_TOLERANCES.get(metric)?.better;
    if (direction === undefined) throw new UserError(`${file}: metrics.${metric}: no default direction for this column; expected better: higher, lower or either`);
    merged.set(metric, r.abs !== undefined ? { better: direction, abs: r.abs } : r.rel !== undefined ? { better: direction, rel: r.rel } : { better: direction, ratio: r.ratio as number });
  }
  return merged;
}
