// The name of a chunk in the job-wide CSV artifacts (anytime.csv, coverage.csv): the range of its
// sample indices. Text, not a number, so the report draws one panel per chunk.
import type { SampleInput } from '../../harness/types.js';

/** The column that tells the chunks apart; the harness keeps each chunk's rows (Artifact.chunkColumn). */
export const CHUNK_COLUMN = 'chunk';

export function chunkLabel(samples: readonly SampleInput[]): string {
  return `${samples[0].index}-${samples[samples.length - 1].index}`;
}
