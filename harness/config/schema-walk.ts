// Reads a zod schema alongside the input it validates. zod strips or merely counts unknown keys and
// says nothing of what a mapping accepts; walking the schema lets errors suggest the intended key
// and say "an integer" where zod only says "number". Works on plugins' schemas too, whatever wraps them.
import { z } from 'zod';
import { type KeyPath, type Problem, unknownKeyProblem } from './problem.js';
import { isMapping } from './yaml-value.js';

export type Schema = z.core.$ZodType;

type Shape = 'mapping' | 'list' | 'scalar';

function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return 'list';
  return isMapping(value) ? 'mapping' : 'scalar';
}

function schemaShape(schema: Schema): Shape {
  const type = (schema as z.core.$ZodTypes)._zod.def.type;
  if (type === 'object' || type === 'record') return 'mapping';
  return type === 'array' || type === 'tuple' ? 'list' : 'scalar';
}

/**
 * The schema that actually inspects `value`: wrappers (optional, default, pipes, …) peeled off and
 * unions resolved to the first option of the value's shape. Undefined when no option fits.
 */
export function innermost(schema: Schema, value: unknown): Schema | undefined {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return innermost(def.innerType, value);
    case 'pipe':
      // z.preprocess puts a transform in front: the schema that checks the value is then `out`
      return innermost((def.in as z.core.$ZodTypes)._zod.def.type === 'transform' ? def.out : def.in, value);
    case 'lazy':
      return innermost(def.getter(), value);
    case 'union': {
      const shape = shapeOf(value);
      for (const option of def.options) {
        const inner = innermost(option, value);
        if (inner !== undefined && schemaShape(inner) === shape) return inner;
      }
      return undefined;
    }
    default:
      return schema;
  }
}

function child(schema: Schema, value: unknown, segment: string | number): Schema | undefined {
  const inner = innermost(schema, value);
  if (inner === undefined) return undefined;
  const def = (inner as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case 'object':
      return typeof segment === 'string' ? (def.shape[segment] ?? def.catchall) : undefined;
    case 'record':
      return def.valueType;
    case 'array':
      return def.element;
    case 'tuple':
      return typeof segment === 'number' ? (def.items[segment] ?? def.rest ?? undefined) : undefined;
    default:
      return undefined;
  }
}

function valueAt(value: unknown, segment: string | number): unknown {
  if (Array.isArray(value)) return typeof segment === 'number' ? value[segment] : undefined;
  return isMapping(value) ? value[String(segment)] : undefined;
}

/** The schema for the part of `input` at `path` (still wrapped, so registry lookups find it). */
export function schemaAt(schema: Schema, input: unknown, path: KeyPath): Schema | undefined {
  let current: Schema | undefined = schema;
  let value = input;
  for (const segment of path) {
    if (current === undefined) return undefined;
    current = child(current, value, segment);
    value = valueAt(value, segment);
  }
  return current;
}

/** The keys an object schema accepts for `value`, or undefined when it is not an object schema. */
export function knownKeys(schema: Schema | undefined, value: unknown): string[] | undefined {
  const inner = schema === undefined ? undefined : innermost(schema, value);
  const def = inner === undefined ? undefined : (inner as z.core.$ZodTypes)._zod.def;
  return def?.type === 'object' ? Object.keys(def.shape) : undefined;
}

export function isIntegerSchema(schema: Schema | undefined, value: unknown): boolean {
  const inner = schema === undefined ? undefined : innermost(schema, value);
  return inner instanceof z.ZodNumber && inner.isInt;
}

/**
 * Every key of `input` that its schema has no place for, at any depth. Objects with a catchall
 * (z.looseObject) accept anything; plain z.object would silently drop the key, which in a config
 * means a typo goes unnoticed, so it counts as unknown here.
 */
export function unknownKeys(schema: Schema, input: unknown, prefix: KeyPath): Problem[] {
  const inner = innermost(schema, input);
  if (inner === undefined) return [];
  const def = (inner as z.core.$ZodTypes)._zod.def;
  if (def.type === 'object' && isMapping(input)) {
    const known = Object.keys(def.shape);
    const acceptsAny = def.catchall !== undefined && (def.catchall as z.core.$ZodTypes)._zod.def.type !== 'never';
    return Object.entries(input).flatMap(([key, value]) => {
      const field = def.shape[key];
      if (field !== undefined) return unknownKeys(field, value, [...prefix, key]);
      if (acceptsAny && def.catchall !== undefined) return unknownKeys(def.catchall, value, [...prefix, key]);
      return [unknownKeyProblem(prefix, key, known)];
    });
  }
  if (def.type === 'record' && isMapping(input)) {
    return Object.entries(input).flatMap(([key, value]) => unknownKeys(def.valueType, value, [...prefix, key]));
  }
  if (def.type === 'array' && Array.isArray(input)) {
    return input.flatMap((value, i) => unknownKeys(def.element, value, [...prefix, i]));
  }
  return [];
}
