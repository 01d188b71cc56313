// A plugin id names its folder, its config entry and its test; it also gives the TypeScript names
// the scaffold exports (my-attack → myAttack, MyAttackParams).
import { UserError } from '../errors.js';

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface PluginNames {
  id: string;
  /** the exported plugin constant, e.g. myAttack */
  constant: string;
  /** the params type, e.g. MyAttackParams */
  paramsType: string;
}

export function pluginNames(id: string): PluginNames {
  if (!ID.test(id)) {
    throw new UserError(`attack id '${id}': expected lowercase letters, digits and single '-' between them, starting with a letter (e.g. my-attack)`);
  }
  const words = id.split('-');
  const constant = words.map((w, k) => (k === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
  return { id, constant, paramsType: `${constant[0].toUpperCase()}${constant.slice(1)}Params` };
}
