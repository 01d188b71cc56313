// The artifact writer: CSVs a plugin hands over per chunk either replace the file or, with a chunk
// column, add up to one file for the job, a chunk handed over again replacing only its own rows.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ArtifactWriter } from '../../harness/results/artifacts.js';

describe('ArtifactWriter', () => {
  it('replaces a plain CSV and accumulates one with a chunk column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-artifacts-'));
    const writer = new ArtifactWriter(dir);
    const read = (name: string): string => readFileSync(join(dir, 'artifacts', 'job', name), 'utf8');

    writer.write('job', { kind: 'csv', name: 'plain.csv', rows: [{ t: 1, v: 2 }] });
    writer.write('job', { kind: 'csv', name: 'plain.csv', rows: [{ t: 1, v: 3 }] });
    expect(read('plain.csv')).toBe('t,v\n1,3\n');

    const chunk = (name: string, values: number[]) => ({ kind: 'csv' as const, name: 'job.csv', rows: values.map((v, t) => ({ t, v, chunk: name })), chunkColumn: 'chunk' });
    writer.write('job', chunk('0-9', [1, 2]));
    writer.write('job', chunk('10-19', [3]));
    expect(read('job.csv')).toBe('t,v,chunk\n0,1,0-9\n1,2,0-9\n0,3,10-19\n');
    // a chunk redone (resume after an interrupt) replaces its rows, not the others'
    writer.write('job', chunk('0-9', [5]));
    expect(read('job.csv')).toBe('t,v,chunk\n0,3,10-19\n0,5,0-9\n');
  });
});
