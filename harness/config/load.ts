// Entry point of the config module: YAML text or file → a validated Experiment, or one UserError
// whose single line says where (file:line:col), which key, what is wrong and what was expected.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { UserError } from '../errors.js';
import type { RegisteredPlugin } from '../plugin.js';
import { checkAttacks } from './attack-params.js';
import type { Experiment } from './experiment.js';
import { problemsFromIssues } from './issues.js';
import { type Problem, formatPath } from './problem.js';
import { TOP_LEVEL_EXPECTED, experimentSchema } from './schema.js';
import { unknownKeys } from './schema-walk.js';
import { SourceMap } from './source-map.js';
import { isMapping } from './yaml-value.js';
import { firstSyntaxProblem } from './yaml-syntax.js';

export { describeExperiment } from './describe.js';

export interface ConfigEnv {
  /** registered plugins by id; each `params` schema fills its own defaults */
  plugins: ReadonlyMap<string, RegisteredPlugin>;
  /** names of the models in the zoo */
  modelNames: readonly string[];
}

/** Parses and validates an experiment; `file` only names the source in messages. */
export function parseExperiment(source: string, file: string, env: ConfigEnv): Experiment {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false });
  const map = new SourceMap(doc, lines);
  const where = (line: number, col: number) => `${file}:${line}:${col}`;

  const syntax = firstSyntaxProblem(doc);
  if (syntax !== undefined) {
    const { line, col } = map.position(syntax.offset);
    throw new UserError(`${where(line, col)}: invalid YAML: ${oneLine(syntax.message)}`);
  }
  if (doc.contents === null) throw new UserError(`${where(1, 1)}: top level: got an empty file, expected ${TOP_LEVEL_EXPECTED}`);

  const input: unknown = doc.toJS();
  const schema = experimentSchema(env.modelNames);
  const parsed = schema.safeParse(input);
  const attacks = checkAttacks(isMapping(input) ? input.attacks : undefined, env.plugins);
  // unknown keys first: at equal positions they explain more than zod's own complaint there
  const problems = [
    ...unknownKeys(schema, input, []),
    ...(parsed.success ? [] : problemsFromIssues(parsed.error.issues, schema, input, [])),
    ...attacks.problems,
  ];
  if (!parsed.success || problems.length > 0) {
    const { problem, position } = earliest(problems, map);
    throw new UserError(`${where(position.line, position.col)}: ${formatPath(problem.path)}: ${oneLine(problem.message)}`);
  }

  return {
    ...parsed.data,
    attacks: parsed.data.attacks.map((attack, i) => {
      const params = attacks.params.get(i);
      if (params === undefined) throw new Error(`attacks[${i}] passed validation without params`);
      return { ...attack, params };
    }),
  };
}

/** Reads and parses an experiment file; an unreadable file is the user's to fix too. */
export function loadExperimentFile(path: string, env: ConfigEnv): Experiment {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`${path}: ${unreadable(error)}, expected a readable YAML experiment file`);
  }
  return parseExperiment(source, path, env);
}

function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  return `cannot be read (${code ?? String(error)})`;
}

/** Several errors make one line only: the first a reader meets (stable, so ties keep list order). */
function earliest(problems: readonly Problem[], map: SourceMap) {
  const located = problems.map((problem) => ({ problem, position: map.locate(problem) }));
  const first = located.reduce<(typeof located)[number] | undefined>(
    (best, candidate) => (best === undefined || candidate.position.order < best.position.order ? candidate : best),
    undefined,
  );
  if (first === undefined) throw new Error('config rejected with no problem to report');
  return first;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
