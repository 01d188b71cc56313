// The params a coverage-guided generator takes to choose its criterion, shared so that every
// generator names and defaults them alike (a generator may override the NC threshold's default
// with its author's).
import { z } from 'zod';
import { CRITERIA, type CriterionSpec } from './criterion.js';

/** NC's threshold in DeepHunter's profile code; DeepXplore's and DLFuzz's released runs use 0 and 0.5. */
export const DEFAULT_NC_THRESHOLD = 0.75;

export function criterionParams(ncThreshold: number) {
  return {
    /** the criterion steering the search and recorded: nc | kmnc | nbc | snac | tknc */
    coverage: z.enum(CRITERIA).default('nc'),
    /** NC: scaled value a neuron must exceed */
    threshold: z.number().min(0).lt(1).default(ncThreshold),
    /** KMNC: sections per neuron (DeepGauge uses 10 and 1000) */
    sections: z.number().int().positive().default(10),
    /** TKNC: neurons per layer that count as top */
    top_k: z.number().int().positive().default(2),
  };
}

export interface CriterionParams {
  coverage: CriterionSpec['name'];
  threshold: number;
  sections: number;
  top_k: number;
}

export function criterionSpec(p: CriterionParams): CriterionSpec {
  switch (p.coverage) {
    case 'nc':
      return { name: 'nc', threshold: p.threshold };
    case 'kmnc':
      return { name: 'kmnc', sections: p.sections };
    case 'nbc':
      return { name: 'nbc' };
    case 'snac':
      return { name: 'snac' };
    case 'tknc':
      return { name: 'tknc', k: p.top_k };
  }
}
