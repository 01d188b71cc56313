// Where the committed zoo lives: models/ at the repository root, found from this file, not the cwd.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ZOO_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export function zooModelDir(name: string): string {
  return join(ZOO_DIR, name);
}
