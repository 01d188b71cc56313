// The tfjs model behind a ModelHandle, for plugins that read a network's layers. The runner hands
// plugins a metered (possibly pooled) view without it; the zoo model or model file of the same name
// holds the same weights, and callers check that by comparing logits before trusting what they read.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { loadModel, zooModelNames } from '../../harness/engine/model-handle.js';
import type { ModelHandle } from '../../harness/types.js';

const loaded = new Map<string, Promise<tf.LayersModel>>();

export async function layersModelOf(model: ModelHandle): Promise<tf.LayersModel | undefined> {
  const own = (model as { logitsModel?: unknown }).logitsModel;
  if (own instanceof tf.LayersModel) return own;
  const ref = zooModelNames().includes(model.name) ? model.name : existsSync(model.name) ? { path: model.name } : undefined;
  if (ref === undefined) return undefined;
  let pending = loaded.get(model.name);
  if (pending === undefined) loaded.set(model.name, (pending = loadModel(ref).then((handle) => handle.logitsModel)));
  return pending;
}
