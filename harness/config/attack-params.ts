// Attack entries checked against the plugin each names: the id is registered, the params pass the
// plugin's own schema (which fills their defaults), extra models go only to plugins that compare
// several, and no entry repeats another (it would only run the same jobs twice).
import type { RegisteredPlugin } from '../plugin.js';
import { didYouMean } from '../errors.js';
import { problemsFromIssues } from './issues.js';
import { type Problem, listOf } from './problem.js';
import { unknownKeys } from './schema-walk.js';
import { canonicalJson, describeValue, isMapping } from './yaml-value.js';

export interface CheckedAttacks {
  problems: Problem[];
  /** filled params by attack index, for every entry whose params are valid */
  params: ReadonlyMap<number, Record<string, unknown>>;
}

/** Checks the raw `attacks` value; shapes the experiment schema rejects are left to it. */
export function checkAttacks(attacks: unknown, plugins: ReadonlyMap<string, RegisteredPlugin>): CheckedAttacks {
  const problems: Problem[] = [];
  const params = new Map<number, Record<string, unknown>>();
  if (!Array.isArray(attacks)) return { problems, params };
  const firstOf = new Map<string, number>();
  attacks.forEach((entry: unknown, i) => {
    if (!isMapping(entry) || typeof entry.id !== 'string') return;
    const path = ['attacks', i];
    const plugin = plugins.get(entry.id);
    if (plugin === undefined) {
      const ids = [...plugins.keys()];
      const hint = didYouMean(entry.id, ids);
      const expected = `a registered attack id${hint === '' ? ` (registered: ${listOf(ids)})` : hint}`;
      problems.push({ path: [...path, 'id'], at: 'value', message: `got ${describeValue(entry.id)}, expected ${expected}` });
      return;
    }
    if (entry.models !== undefined && !plugin.needs.includes('several-models')) {
      problems.push({ path: [...path, 'models'], at: 'key', message: `got extra models, expected none: '${plugin.id}' attacks one model at a time` });
    }
    const raw = entry.params === undefined ? {} : entry.params;
    if (!isMapping(raw)) return;
    const paramsPath = [...path, 'params'];
    problems.push(...unknownKeys(plugin.params, raw, paramsPath));
    const parsed = plugin.params.safeParse(raw);
    if (!parsed.success) {
      problems.push(...problemsFromIssues(parsed.error.issues, plugin.params, raw, paramsPath));
      return;
    }
    if (!isMapping(parsed.data)) throw new Error(`plugin ${plugin.id}: its params schema must produce a mapping`);
    params.set(i, parsed.data);
    const identity = canonicalJson({ id: plugin.id, params: parsed.data, models: entry.models ?? [] });
    const first = firstOf.get(identity);
    if (first === undefined) firstOf.set(identity, i);
    else problems.push({ path, at: 'value', message: `same id and params as attacks[${first}], expected each attack once` });
  });
  return { problems, params };
}
