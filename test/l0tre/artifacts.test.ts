// The chunk's artifacts, with known answers on the hand-built linear classifier of upper-bound.test.ts:
// the anytime curve after stage 1, and the stage-1 sensitivity map as an image; and anytime.csv of a
// job of several chunks, written by the harness.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { l0tre } from '../../attacks/l0tre/index.js';
import { ArtifactWriter } from '../../harness/results/artifacts.js';
import { runJob } from '../../harness/run-job.js';
import { createRng } from '../../harness/rng.js';
import type { Artifact, AttackContext, SampleOutcome } from '../../harness/types.js';
import { linearModel } from '../helpers/linear-model.js';

// z0 = 12 + 8·x0 − 8·x1 − 2·x2 − 2·x3 on six pixels at 0.5: the worst single changes drop z0 by
// 4, 4, 1, 1, 0, 0; no single change flips the label, two do (R = 2, found at stage 1).
const model = linearModel({
  weights: [
    [8, -8, -2, -2, 0, 0],
    [0, 0, 11, 11, 0, 0],
    [0, 0, 0, 0, 0, 0],
  ],
  bias: [12, -11, -100],
});

describe('l0tre artifacts', () => {
  it('writes the anytime curve and a sensitivity map per sample when images are asked for', async () => {
    const artifacts: Artifact[] = [];
    const ctx: AttackContext<unknown> = {
      params: l0tre.params.parse({}),
      model,
      models: [model],
      samples: [{ index: 7, x: new Float32Array(6).fill(0.5), label: 0, prediction: 0, rng: createRng('artifacts-test') }],
      dataset: { name: 'test', inputShape: [6], numClasses: 3 },
      solverCalls: { add: () => undefined },
      offModelForward: { add: () => undefined },
      signal: new AbortController().signal,
      images: true,
      artifact: (a) => void artifacts.push(a),
      log: () => undefined,
    };
    const outcomes: SampleOutcome[] = [];
    for await (const o of l0tre.run(ctx)) outcomes.push(o);
    expect(outcomes.map((o) => o.status)).toEqual(['adversarial']);
    const byName = new Map(artifacts.map((a) => [a.name, a]));
    expect([...byName.keys()].sort()).toEqual(['anytime-7.png', 'anytime.csv', 'saliency-7.png']);
    expect(byName.get('anytime.csv')).toMatchObject({
      kind: 'csv',
      rows: [{ t: 1, samples: 1, converged: 1, bounded: 1, lower: 2, upper: 2, estimate: 2, radius: 0, chunk: '7-7' }],
      chunkColumn: 'chunk',
    });
    expect(byName.get('saliency-7.png')).toMatchObject({ kind: 'png', width: 6, height: 1, channels: 1, pixels: Uint8Array.of(255, 255, 64, 64, 0, 0) });
    expect(byName.get('anytime-7.png')).toMatchObject({ kind: 'png', channels: 3 });
  });

  it('keeps every chunk\'s rows of anytime.csv, one chunk after another', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gauntlet-l0tre-artifacts-'));
    const writer = new ArtifactWriter(dir);
    const params = l0tre.params.parse({ chunk_size: 2 }) as Record<string, unknown>;
    const indices = [0, 1, 2, 3, 4];
    await runJob({
      job: { hash: 'job', data: { dataset: 'mnist', split: 'test', indices }, model: model.name, attack: { id: 'l0tre', params }, plugin: l0tre },
      models: [model],
      data: { name: 'test', split: 'test', inputShape: [6], numClasses: 3, labels: [0, 0, 0, 0, 0], sample: () => new Float32Array(6).fill(0.5) },
      indices,
      done: new Set(),
      ordinal: 0,
      seed: 0,
      sampleTimeoutMs: 10_000,
      interrupt: new AbortController().signal,
      images: false,
      artifact: (a) => writer.write('job', a),
      write: () => undefined,
      log: () => undefined,
    });
    await writer.flush();
    const rows = parse(readFileSync(join(dir, 'artifacts', 'job', 'anytime.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.chunk, r.t, r.samples, r.lower, r.upper])).toEqual([
      ['0-1', '1', '2', '2', '2'],
      ['2-3', '1', '2', '2', '2'],
      ['4-4', '1', '1', '2', '2'],
    ]);
  });
});
