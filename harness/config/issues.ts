// Turns zod issues into config problems phrased for the person who wrote the YAML.
import { z } from 'zod';
import { didYouMean } from '../errors.js';
import { type KeyPath, type Problem, listOf, unknownKeyProblem } from './problem.js';
import { type Schema, isIntegerSchema, knownKeys, schemaAt } from './schema-walk.js';
import { describeValue } from './yaml-value.js';

/**
 * What a schema expects, in words, where its type alone says too little (a name pattern, a
 * zoo model or a path). Used for type and format errors; range errors keep their bounds.
 */
export const expectations = z.registry<{ expected: string }>();

type Issue = z.core.$ZodIssue;

interface Context {
  schema: Schema;
  input: unknown;
  prefix: KeyPath;
}

function lookup(input: unknown, path: KeyPath): { present: boolean; value: unknown } {
  let value = input;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return { present: false, value: undefined };
    value = (value as Record<string, unknown>)[segment];
  }
  return { present: true, value };
}

function typeName(expected: string, integer: boolean): string {
  switch (expected) {
    case 'number':
      return integer ? 'an integer' : 'a number';
    case 'int':
      return 'an integer';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
    case 'tuple':
      return 'a list';
    case 'object':
    case 'record':
    case 'map':
      return 'a mapping';
    case 'null':
      return 'an empty value';
    default:
      return `a ${expected}`;
  }
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, integer: boolean): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'array':
    case 'set':
      if (small && limit === 1) return 'a non-empty list';
      return `a list of ${small ? 'at least' : 'at most'} ${limit} items`;
    case 'string':
      if (small && limit === 1) return 'a non-empty string';
      return `a string of ${small ? 'at least' : 'at most'} ${limit} characters`;
    default: {
      const operator = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      return `${integer ? 'an integer' : 'a number'} ${operator} ${limit}`;
    }
  }
}

function translate(issue: Issue, ctx: Context): Problem[] {
  const { present, value } = lookup(ctx.input, issue.path as KeyPath);
  const target = schemaAt(ctx.schema, ctx.input, issue.path as KeyPath);
  const integer = isIntegerSchema(target, value);
  const expected = target === undefined ? undefined : expectations.get(target)?.expected;
  const path = [...ctx.prefix, ...(issue.path as KeyPath)];
  const got = present ? `got ${describeValue(value)}` : 'missing';
  const problem = (wanted: string): Problem[] => [{ path, at: 'value', message: `${got}, expected ${wanted}` }];

  switch (issue.code) {
    case 'invalid_type':
      return problem(expected ?? typeName(issue.expected, integer));
    case 'too_small':
    case 'too_big':
      return problem(bound(issue, integer));
    case 'invalid_value': {
      const words = issue.values.map(String);
      const hint = typeof value === 'string' ? didYouMean(value, words) : '';
      return problem(`${words.length === 1 ? words[0] : `one of ${listOf(words)}`}${hint}`);
    }
    case 'invalid_format':
      return problem(expected ?? (issue.pattern === undefined ? `a ${issue.format}` : `a string matching ${issue.pattern}`));
    case 'not_multiple_of':
      return problem(`a multiple of ${String(issue.divisor)}`);
    case 'unrecognized_keys': {
      const known = knownKeys(target, value);
      return issue.keys.map((key) => unknownKeyProblem(path, key, known));
    }
    case 'invalid_union':
      return translateUnion(issue, ctx, problem, expected);
    case 'custom': {
      const params = issue.params ?? {};
      const what = typeof params.got === 'string' ? params.got : got;
      return [{ path, at: params.at === 'key' ? 'key' : 'value', message: `${what}, expected ${issue.message}` }];
    }
    default:
      return problem(expected ?? issue.message);
  }
}

/**
 * A union fails as a whole; the useful complaint is the one from the option the value was
 * evidently meant for (the first whose type it has). With no such option, name them all.
 */
function translateUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  ctx: Context,
  problem: (wanted: string) => Problem[],
  expected: string | undefined,
): Problem[] {
  const wrongType = (option: readonly Issue[]): Issue | undefined =>
    option.find((inner) => inner.path.length === 0 && inner.code === 'invalid_type');
  const fitting = issue.errors.find((option) => wrongType(option) === undefined);
  if (fitting !== undefined) {
    const nested = fitting.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as Issue);
    return nested.flatMap((inner) => translate(inner, ctx));
  }
  if (expected !== undefined) return problem(expected);
  const names = issue.errors.flatMap((option) => {
    const mismatch = wrongType(option);
    return mismatch?.code === 'invalid_type' ? [typeName(mismatch.expected, false)] : [];
  });
  return problem([...new Set(names)].join(' or '));
}

/** Problems for the issues of parsing `input` with `schema`; paths are prefixed to sit in the whole file. */
export function problemsFromIssues(issues: readonly Issue[], schema: Schema, input: unknown, prefix: KeyPath): Problem[] {
  return issues.flatMap((issue) => translate(issue, { schema, input, prefix }));
}
