// The summary `gauntlet validate` prints: what a run of this experiment would do, with every
// default spelled out, so a user can check the config means what they think before running it.
import { type AttackSpec, type DataSelection, type Experiment, modelRefName } from './experiment.js';

const MAX_INDICES_SHOWN = 8;

function selection(data: DataSelection): string {
  const source = `${data.dataset} ${data.split}`;
  if (data.samples !== undefined) {
    const from = data.offset ?? 0;
    return `${source}: ${data.samples} samples, indices ${from}..${from + data.samples - 1}`;
  }
  if (data.indices !== undefined) {
    const shown = data.indices.slice(0, MAX_INDICES_SHOWN).join(', ');
    const more = data.indices.length > MAX_INDICES_SHOWN ? ', …' : '';
    return `${source}: ${data.indices.length} samples, indices ${shown}${more}`;
  }
  return `${source}: ${data.per_class} samples per class`;
}

function paramValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function attack(spec: AttackSpec): string {
  const params = Object.entries(spec.params).map(([key, value]) => ` ${key}=${paramValue(value)}`).join('');
  const models = spec.models === undefined ? '' : `, with ${spec.models.map(modelRefName).join(', ')}`;
  const limits = [
    spec.max_samples === undefined ? '' : `first ${spec.max_samples} samples`,
    spec.sample_timeout_s === undefined ? '' : `${spec.sample_timeout_s} s a sample`,
  ].filter((l) => l.length > 0);
  return `${spec.id}${params}${models}${limits.length > 0 ? ` (${limits.join(', ')})` : ''}`;
}

function section(title: string, lines: readonly string[]): string[] {
  return [`${title} (${lines.length}):`, ...lines.map((line) => `  ${line}`)];
}

export function describeExperiment(e: Experiment): string {
  const jobs = e.data.length * e.models.length * e.attacks.length;
  return [
    `experiment ${e.name}: seed ${e.seed}, backend ${e.backend}, ${e.limits.sample_timeout_s} s per sample`,
    ...section('data', e.data.map(selection)),
    ...section('models', e.models.map(modelRefName)),
    ...section('attacks', e.attacks.map(attack)),
    `jobs: ${jobs} (${e.data.length} data × ${e.models.length} models × ${e.attacks.length} attacks)`,
  ].join('\n');
}
