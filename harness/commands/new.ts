// `gauntlet new attack <id>`: scaffolds a working, registered, tested plugin in this checkout.
import { fileURLToPath } from 'node:url';
import { scaffoldAttack } from '../scaffold/scaffold-attack.js';

const checkout = fileURLToPath(new URL('../..', import.meta.url));

export function newAttackCommand(id: string): void {
  const { files } = scaffoldAttack(checkout, id);
  process.stdout.write(`created ${id}:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  process.stdout.write(`next: npm test -- test/plugins/${id}.test.ts, then edit attacks/${id}/index.ts (its README says what to keep)\n`);
}
