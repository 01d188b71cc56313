// Where the committed zoo lives: models/ at the repository root, found from this file, not the cwd.
// `gauntlet train --out` writes a zoo of the same layout elsewhere, so `root` may name another one.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ZOO_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export function zooModelDir(name: string, root: string = ZOO_DIR): string {
  return join(root, name);
}
