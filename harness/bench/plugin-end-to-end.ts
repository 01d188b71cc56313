// Runs a registered plugin through runJob on given MNIST test images, as `gauntlet run` would
// (harness validation included), for benches that time a plugin end to end.
import { plugins } from '../../attacks/registry.js';
import type { Dataset } from '../data/dataset.js';
import type { Job } from '../plan.js';
import type { SampleRecord } from '../results/record.js';
import { runJob } from '../run-job.js';
import type { ModelHandle } from '../types.js';

/** The records the job wrote, in order; the models after the first are the plugin's extra models. */
export async function pluginEndToEnd(
  id: string,
  rawParams: Record<string, unknown>,
  models: readonly ModelHandle[],
  test: Dataset,
  indices: number[],
): Promise<SampleRecord[]> {
  const plugin = plugins.get(id);
  if (plugin === undefined) throw new Error(`the ${id} plugin is not registered`);
  const params = plugin.params.parse(rawParams) as Record<string, unknown>;
  const model = models[0];
  const job: Job = { hash: 'bench', data: { dataset: 'mnist', split: 'test', indices }, model: model.name, attack: { id, params }, plugin };
  const size = model.inputSize;
  const records: SampleRecord[] = [];
  await runJob({
    job,
    models: [...models],
    data: { name: 'mnist', split: 'test', inputShape: model.inputShape, numClasses: 10, labels: test.labels, sample: (i) => test.images.subarray(i * size, (i + 1) * size) },
    indices,
    done: new Set(),
    ordinal: 0,
    seed: 0,
    sampleTimeoutMs: 600_000,
    interrupt: new AbortController().signal,
    images: false,
    artifact: () => {},
    write: (record) => {
      records.push(record);
    },
    log: () => {},
  });
  return records;
}
