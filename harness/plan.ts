// Expands datasets × models × attacks into jobs. A job's hash names the work (not the samples),
// so a resumed or extended run recognises records it already has.
import { modelRefName, type AttackSpec, type DataSelection, type Experiment, type ModelRef } from './config/experiment.js';
import { shortHash } from './canonical-json.js';
import { UserError } from './errors.js';
import type { RegisteredPlugin } from './plugin.js';

export interface Job {
  hash: string;
  data: DataSelection;
  model: ModelRef;
  attack: AttackSpec;
  plugin: RegisteredPlugin;
}

export interface PlanEnv {
  plugins: ReadonlyMap<string, RegisteredPlugin>;
  /** the dataset a model was trained on, when known (zoo models); path models pair with every dataset */
  datasetOf(ref: ModelRef): string | undefined;
}

/** The samples a job covers: its selection's, cut to the attack's max_samples. */
export function jobIndices(job: Job, selected: readonly number[]): number[] {
  return selected.slice(0, job.attack.max_samples ?? selected.length);
}

export function planJobs(experiment: Experiment, env: PlanEnv): Job[] {
  const jobs: Job[] = [];
  for (const model of experiment.models) {
    const trainedOn = env.datasetOf(model);
    const selections = experiment.data.filter((d) => trainedOn === undefined || d.dataset === trainedOn);
    if (selections.length === 0) {
      const datasets = experiment.data.map((d) => d.dataset).join(', ');
      throw new UserError(`model ${modelRefName(model)} was trained on ${trainedOn}, but the experiment's data is ${datasets}`);
    }
    for (const data of selections) {
      for (const attack of experiment.attacks) {
        const plugin = env.plugins.get(attack.id);
        if (plugin === undefined) throw new UserError(`unknown attack '${attack.id}'`);
        const hash = shortHash({
          dataset: data.dataset,
          split: data.split,
          model: modelRefName(model),
          attack: attack.id,
          params: attack.params,
          models: (attack.models ?? []).map(modelRefName),
          seed: experiment.seed,
        });
        jobs.push({ hash, data, model, attack, plugin });
      }
    }
  }
  return jobs;
}
