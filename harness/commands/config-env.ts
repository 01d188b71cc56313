// What a config is validated against: the registered plugins and the committed zoo.
import { plugins } from '../../attacks/registry.js';
import type { ConfigEnv } from '../config/load.js';
import { zooModelNames } from '../engine/model-handle.js';

export function configEnv(): ConfigEnv {
  return { plugins, modelNames: zooModelNames() };
}
