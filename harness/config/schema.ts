// The shape of an experiment file. Attack params stay opaque here: each plugin's own schema
// checks them (attack-params.ts), since only the plugin knows what they are.
import { z } from 'zod';
import { didYouMean } from '../errors.js';
import { BACKENDS, DATASETS, type Split } from './experiment.js';
import { expectations } from './issues.js';
import { listOf } from './problem.js';

const SPLITS = ['train', 'test'] as const satisfies readonly Split[];
const SELECTORS = ['samples', 'indices', 'per_class'] as const;

/** What the whole file should be. */
export const TOP_LEVEL_EXPECTED = 'a mapping with keys name, data, models and attacks';
const MODEL_EXPECTED = 'a zoo model name or {path: <model.json>}';

function expecting<S extends z.ZodType>(schema: S, expected: string): S {
  expectations.add(schema, { expected });
  return schema;
}

function zooModel(modelNames: readonly string[]) {
  return z.string().superRefine((name, ctx) => {
    if (modelNames.includes(name)) return;
    const hint = didYouMean(name, modelNames);
    ctx.addIssue({
      code: 'custom',
      message: `${MODEL_EXPECTED}${hint === '' ? ` (zoo: ${listOf(modelNames)})` : hint}`,
    });
  });
}

function modelList(modelNames: readonly string[]) {
  const ref = z.union([zooModel(modelNames), z.strictObject({ path: z.string().min(1) })]);
  return z.array(expecting(ref, MODEL_EXPECTED)).min(1);
}

const selection = z
  .strictObject({
    dataset: z.enum(DATASETS),
    split: z.enum(SPLITS).default('test'),
    samples: z.int().min(1).optional(),
    offset: z.int().min(0).optional(),
    indices: z.array(z.int().min(0)).min(1).optional(),
    per_class: z.int().min(1).optional(),
  })
  .superRefine((data, ctx) => {
    const given = SELECTORS.filter((key) => data[key] !== undefined);
    const exactlyOne = `exactly one of ${listOf(SELECTORS)}`;
    if (given.length === 0) ctx.addIssue({ code: 'custom', message: exactlyOne, params: { got: 'no samples chosen' } });
    if (given.length > 1) {
      const got = `${given.map((key) => `'${key}'`).join(' and ')} given together`;
      ctx.addIssue({ code: 'custom', path: [given[1]], message: exactlyOne, params: { got, at: 'key' } });
    }
    if (data.offset !== undefined && data.samples === undefined) {
      ctx.addIssue({ code: 'custom', path: ['offset'], message: "'offset' only together with 'samples'", params: { got: "given without 'samples'", at: 'key' } });
    }
    const seen = new Set<number>();
    data.indices?.forEach((index, i) => {
      if (seen.has(index)) ctx.addIssue({ code: 'custom', path: ['indices', i], message: 'each index once', params: { got: `got ${index} again` } });
      seen.add(index);
    });
  });

const dataSelections = z.union([selection.transform((one) => [one]), z.array(selection).min(1)]);

/** The experiment file, validated against the zoo; attack params are checked per plugin afterwards. */
export function experimentSchema(modelNames: readonly string[]) {
  const models = modelList(modelNames);
  const attack = z.strictObject({
    id: expecting(z.string(), 'a registered attack id'),
    params: z.record(z.string(), z.unknown()).optional(),
    models: models.optional(),
    max_samples: z.int().min(1).optional(),
    sample_timeout_s: z.number().positive().optional(),
  });
  const experiment = z.strictObject({
    name: expecting(z.string().regex(/^[A-Za-z0-9._-]+$/), "a name of letters, digits, '.', '_' or '-'"),
    seed: z.int().min(0).default(0),
    backend: z.enum(BACKENDS).default('auto'),
    workers: z.int().min(1).max(64).optional(),
    data: expecting(dataSelections, 'a data selection {dataset, split, samples | indices | per_class} or a list of them'),
    models,
    attacks: z.array(attack).min(1),
    limits: z.strictObject({ sample_timeout_s: z.number().positive().default(60) }).prefault({}),
    incompatible: z.enum(['error', 'skip']).default('error'),
    output: z.strictObject({ images: z.boolean().default(false) }).prefault({}),
  });
  return expecting(experiment, TOP_LEVEL_EXPECTED);
}
