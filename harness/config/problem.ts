// A config problem before it has a position: the key path it concerns and what is wrong there.
// Messages end up on one line after `file:line:col: path: `, so everything here stays single-line.
import { didYouMean } from '../errors.js';

export type PathSegment = string | number;
export type KeyPath = readonly PathSegment[];

export interface Problem {
  path: KeyPath;
  /** point at the key of the last path segment (unknown or conflicting keys) rather than its value */
  at: 'key' | 'value';
  /** "<what is wrong>, expected <what was expected>" */
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: KeyPath): string {
  if (path.length === 0) return 'top level';
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const key = PLAIN_KEY.test(segment) ? segment : JSON.stringify(segment);
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}

export function listOf(words: readonly string[]): string {
  return words.join(', ');
}

export function unknownKeyProblem(path: KeyPath, key: string, known: readonly string[] | undefined): Problem {
  const hint = known === undefined ? '' : didYouMean(key, known);
  const expected = hint !== '' || known === undefined ? '' : known.length === 0 ? ', expected no keys here' : `, expected one of ${listOf(known)}`;
  return { path: [...path, key], at: 'key', message: `unknown key${hint}${expected}` };
}
