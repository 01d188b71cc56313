// Checked before anything runs: a plugin on a model it cannot handle is a configuration error.
import type { Capability, ModelHandle } from './types.js';
import type { RegisteredPlugin } from './plugin.js';

const PIECEWISE_LINEAR_LAYERS = new Set(['InputLayer', 'Dense', 'Conv2D', 'Flatten', 'Reshape', 'ReLU', 'Activation', 'Dropout']);
const PIECEWISE_LINEAR_ACTIVATIONS = new Set(['relu', 'linear']);

function problem(need: Capability, models: readonly ModelHandle[]): string | undefined {
  switch (need) {
    case 'gradients':
      return undefined;
    case 'several-models':
      return models.length >= 2 ? undefined : `several models (give them with 'models:' on the attack), the job has only ${models[0].name}`;
    case 'piecewise-linear':
      for (const model of models) {
        for (const layer of model.layers) {
          if (!PIECEWISE_LINEAR_LAYERS.has(layer.className)) {
            return `a ReLU network of Dense/Conv2D layers; model ${model.name} has ${layer.className} (layer ${layer.name})`;
          }
          if (layer.activation !== undefined && !PIECEWISE_LINEAR_ACTIVATIONS.has(layer.activation) && layer !== model.layers[model.layers.length - 1]) {
            return `a ReLU network; model ${model.name} has activation ${layer.activation} in layer ${layer.name}`;
          }
        }
      }
      return undefined;
  }
}

/** The first capability the models lack, as "<plugin> needs …", or undefined when all are met. */
export function capabilityMismatch(plugin: RegisteredPlugin, models: readonly ModelHandle[]): string | undefined {
  for (const need of plugin.needs) {
    const why = problem(need, models);
    if (why !== undefined) return `${plugin.id} needs ${why}`;
  }
  return undefined;
}
