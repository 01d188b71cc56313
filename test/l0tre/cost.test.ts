// The harness's cost accounting of L0-TRE, through runJob as `gauntlet run` counts it: the
// receptive-field evaluator answers most queries by replay, off the model handle, and reports them,
// so cost.forward is the same whichever evaluator answers (both search the same grid points).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { l0tre } from '../../attacks/l0tre/index.js';
import type { StageReport } from '../../attacks/l0tre/bounds.js';
import { selectBackend } from '../../harness/engine/backend.js';
import { loadModel, type LayersModelHandle } from '../../harness/engine/model-handle.js';
import { modelSaver } from '../../harness/engine/model-files.js';
import type { SampleRecord } from '../../harness/results/record.js';
import { runJob } from '../../harness/run-job.js';
import type { LabelledSample } from '../conformance/run-plugin.js';
import { tinyCnn, tinyImages } from './tiny-nets.js';

let model: LayersModelHandle;
let samples: LabelledSample[];

beforeAll(async () => {
  await selectBackend('cpu');
  // runJob hands the plugin a metered view without the tfjs model: the layers are read back from the file
  const dir = join(mkdtempSync(join(tmpdir(), 'gauntlet-l0tre-cost-')), 'tiny-cnn');
  await tinyCnn(40).logitsModel.save(modelSaver(dir));
  model = await loadModel({ path: join(dir, 'model.json') });
  samples = await tinyImages(model, 8, 1);
});

async function records(params: Record<string, unknown>): Promise<SampleRecord[]> {
  const parsed = l0tre.params.parse(params) as Record<string, unknown>;
  const written: SampleRecord[] = [];
  const indices = samples.map((s) => s.index);
  await runJob({
    job: { hash: 'cost', data: { dataset: 'mnist', split: 'test', indices }, model: model.name, attack: { id: 'l0tre', params: parsed }, plugin: l0tre },
    models: [model],
    data: { name: 'tiny', split: 'test', inputShape: model.inputShape, numClasses: model.numClasses, labels: samples.map((s) => s.label), sample: (i) => samples[i].x },
    indices,
    done: new Set(),
    ordinal: 0,
    seed: 0,
    sampleTimeoutMs: 60_000,
    interrupt: new AbortController().signal,
    images: false,
    artifact: () => undefined,
    write: (r) => written.push(r),
    log: () => undefined,
  });
  expect(written.map((r) => r.status).filter((s) => s === 'error' || s === 'timeout' || s === 'skipped')).toEqual([]);
  return written.sort((a, b) => a.index - b.index);
}

const total = <T>(items: readonly T[], of: (item: T) => number): number => items.reduce((sum, item) => sum + of(item), 0);
const stagesOf = (r: SampleRecord): StageReport[] => (r.details as { stages: StageReport[] }).stages;

describe('l0tre cost accounting', () => {
  it('counts the same forward queries with either evaluator, replays included', async () => {
    const byModel = await records({ t_max: 2, evaluator: 'model', batch_size: 512 });
    const byReplay = await records({ t_max: 2, evaluator: 'receptive-field', batch_size: 512 });
    expect(byReplay.map((r) => r.details.upper)).toEqual(byModel.map((r) => r.details.upper));
    expect(byReplay.map((r) => stagesOf(r).map((s) => s.queries))).toEqual(byModel.map((r) => stagesOf(r).map((s) => s.queries)));

    const scanned = total(byModel, (r) => total(stagesOf(r), (s) => s.queries));
    const replayed = total(byReplay, (r) => total(stagesOf(r), (s) => s.replayed));
    expect(total(byModel, (r) => total(stagesOf(r), (s) => s.replayed))).toBe(0);
    // nearly every scan query is a replay here (the rest were too close to call and went to the model)
    expect(replayed).toBeGreaterThan(0.9 * scanned);

    const forward = (rs: readonly SampleRecord[]): number => total(rs, (r) => r.cost.forward);
    expect(forward(byModel)).toBeGreaterThan(scanned);
    expect(forward(byReplay)).toBeCloseTo(forward(byModel), 6);
    expect(total(byReplay, (r) => r.cost.gradient)).toBe(0);
  });

  it('counts coverage mode\'s replays as forward queries', async () => {
    const rs = await records({ mode: 'coverage', t_max: 1 });
    const replays = total(rs, (r) => r.details.replays as number);
    // every 1-pixel change onto {0, 1} of every sample is replayed (coverage stays short of complete at t = 1)
    const changes = samples.reduce((sum, s) => sum + s.x.reduce((n, v) => n + (v === 0 || v === 1 ? 1 : 2), 0), 0);
    expect(replays).toBe(changes);
    const tests = total(rs, (r) => (r.details.tests as unknown[]).length);
    // the samples' base logits and every replay; at most every test's prediction confirmed by the model
    const forward = total(rs, (r) => r.cost.forward);
    expect(forward).toBeGreaterThanOrEqual(samples.length + replays - 1e-6);
    expect(forward).toBeLessThanOrEqual(samples.length + replays + tests + 1e-6);
  });
});
