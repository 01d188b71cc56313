// `gauntlet new attack <id>`: a registered, tested, working plugin to start from. Every check runs
// before the first write, so a refusal leaves the checkout as it was.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError } from '../errors.js';
import { pluginReadme, pluginSource, pluginTest } from './attack-templates.js';
import { pluginNames } from './plugin-id.js';
import { registerInSource } from './registry-edit.js';

export interface Scaffolded {
  /** written or edited, relative to the root */
  files: string[];
}

/** `root` is the checkout: attacks/ and test/ are under it. */
export function scaffoldAttack(root: string, id: string): Scaffolded {
  const names = pluginNames(id);
  const folder = join(root, 'attacks', id);
  const test = join(root, 'test', 'plugins', `${id}.test.ts`);
  const registry = join(root, 'attacks', 'registry.ts');
  if (existsSync(folder)) throw new UserError(`attack '${id}' exists already (${relative(root, folder)}/); expected a new id`);
  if (existsSync(test)) throw new UserError(`${relative(root, test)} exists already; expected a new id`);
  if (!existsSync(registry)) throw new UserError(`${registry}: no such file; expected to run in a gauntlet checkout`);
  const registered = registerInSource(readFileSync(registry, 'utf8'), names, relative(root, registry));

  mkdirSync(folder, { recursive: true });
  mkdirSync(join(root, 'test', 'plugins'), { recursive: true });
  writeFileSync(join(folder, 'index.ts'), pluginSource(names));
  writeFileSync(join(folder, 'README.md'), pluginReadme(names));
  writeFileSync(test, pluginTest(names));
  writeFileSync(registry, registered);
  return { files: [join(folder, 'index.ts'), join(folder, 'README.md'), test, registry].map((f) => relative(root, f)) };
}
