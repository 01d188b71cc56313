// gauntlet new attack: the scaffold lands in a temporary copy of the checkout (never in this one),
// then its own test — known answers and the conformance kit — runs there under jest, and tsc checks it.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pluginNames } from '../../harness/scaffold/plugin-id.js';
import { registerInSource } from '../../harness/scaffold/registry-edit.js';
import { scaffoldAttack } from '../../harness/scaffold/scaffold-attack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ID = 'probe-step';

/** What the scaffold and its test need, linked or copied: attacks/ is copied so the registry can change. */
function checkoutCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'gauntlet-scaffold-'));
  for (const shared of ['harness', 'metrics', 'node_modules']) symlinkSync(join(root, shared), join(copy, shared), 'dir');
  mkdirSync(join(copy, 'test', 'plugins'), { recursive: true });
  for (const shared of ['helpers', 'conformance']) symlinkSync(join(root, 'test', shared), join(copy, 'test', shared), 'dir');
  mkdirSync(join(copy, 'attacks'));
  for (const entry of readdirSync(join(root, 'attacks'), { withFileTypes: true })) {
    if (entry.isDirectory()) symlinkSync(join(root, 'attacks', entry.name), join(copy, 'attacks', entry.name), 'dir');
    else copyFileSync(join(root, 'attacks', entry.name), join(copy, 'attacks', entry.name));
  }
  for (const file of ['package.json', 'tsconfig.json', 'jest.config.js']) copyFileSync(join(root, file), join(copy, file));
  return copy;
}

let copy: string;
let files: string[];

beforeAll(() => {
  copy = checkoutCopy();
  files = scaffoldAttack(copy, ID).files;
});

describe('gauntlet new attack', () => {
  it('writes the plugin, its README and its test, and registers it', () => {
    expect(files).toEqual([`attacks/${ID}/index.ts`, `attacks/${ID}/README.md`, `test/plugins/${ID}.test.ts`, 'attacks/registry.ts']);
    const registry = readFileSync(join(copy, 'attacks', 'registry.ts'), 'utf8');
    expect(registry).toContain(`import { probeStep } from './${ID}/index.js';\n`);
    expect(registry).toMatch(/new Map\(\[[^\]]*, probeStep\]/);
    expect(readFileSync(join(copy, 'attacks', ID, 'index.ts'), 'utf8')).toContain(`id: '${ID}'`);
    expect(existsSync(join(root, 'attacks', ID))).toBe(false);
  });

  it('passes its own test: known answers on a linear model and the conformance kit', () => {
    const result = spawnSync(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--rootDir', copy, `test/plugins/${ID}.test.ts`], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' },
    });
    expect(result.stderr).toMatch(/Tests:\s+4 passed, 4 total/);
    expect(result.status).toBe(0);
  });

  it('typechecks under the project settings', () => {
    const config = join(copy, 'tsconfig.scaffold.json');
    writeFileSync(config, JSON.stringify({ extends: './tsconfig.json', include: [], files: [`attacks/${ID}/index.ts`, `test/plugins/${ID}.test.ts`, 'attacks/registry.ts'] }));
    const result = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: copy, encoding: 'utf8' });
    // errors in other people's work in progress that the registry imports are not the scaffold's
    const own = result.stdout.split('\n').filter((line) => line.startsWith(`attacks/${ID}/`) || line.startsWith(`test/plugins/${ID}`) || line.startsWith('attacks/registry.ts'));
    expect(own).toEqual([]);
  });

  it('refuses an existing id, an invalid id, or a name the registry already uses, writing nothing', () => {
    expect(() => scaffoldAttack(copy, ID)).toThrow(`attack '${ID}' exists already (attacks/${ID}/); expected a new id`);
    expect(() => scaffoldAttack(copy, 'fgsm')).toThrow(/attack 'fgsm' exists already/);
    for (const bad of ['Bad', 'my_attack', '1st', 'a--b', 'trailing-', '']) expect(() => scaffoldAttack(copy, bad)).toThrow(/expected lowercase letters, digits and single '-'/);
    expect(() => registerInSource("import { a } from './a/index.js';\nconst x = new Map([a, probeStep]);\n", pluginNames(ID), 'r.ts')).toThrow(/already uses the name probeStep/);
    expect(readdirSync(join(copy, 'attacks')).filter((name) => !existsSync(join(root, 'attacks', name)))).toEqual([ID]);
  });

  it('refuses on the command line with one line and exit status 2', () => {
    const result = spawnSync(process.execPath, [join(root, 'bin', 'gauntlet.js'), 'new', 'attack', 'My_Attack'], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("gauntlet: attack id 'My_Attack': expected lowercase letters, digits and single '-' between them, starting with a letter (e.g. my-attack)\n");
  });
});

describe('registering in the plugin array', () => {
  const names = pluginNames('my-attack');

  it('names the constant and params type after the id', () => {
    expect(names).toEqual({ id: 'my-attack', constant: 'myAttack', paramsType: 'MyAttackParams' });
    expect(pluginNames('l2-pgd-v2')).toEqual({ id: 'l2-pgd-v2', constant: 'l2PgdV2', paramsType: 'L2PgdV2Params' });
  });

  it('extends a one-line array and adds the import after the last one', () => {
    const source = "import type { X } from '../x.js';\nimport { a } from './a/index.js';\n\nexport const plugins = new Map([a].map((p) => [p.id, p]));\n";
    expect(registerInSource(source, names, 'r.ts')).toBe(
      "import type { X } from '../x.js';\nimport { a } from './a/index.js';\nimport { myAttack } from './my-attack/index.js';\n\nexport const plugins = new Map([a, myAttack].map((p) => [p.id, p]));\n",
    );
  });

  it('extends a one-per-line array in its own style', () => {
    const trailing = "import { a } from './a/index.js';\nconst p = new Map(\n  [\n    a,\n    b,\n  ].map((x) => [x.id, x]),\n);\n";
    expect(registerInSource(trailing, names, 'r.ts')).toContain('    a,\n    b,\n    myAttack,\n  ]');
    const bare = "import { a } from './a/index.js';\nconst p = new Map([\n  a,\n  b\n].map((x) => [x.id, x]));\n";
    expect(registerInSource(bare, names, 'r.ts')).toContain('  a,\n  b,\n  myAttack\n]');
  });

  it('refuses a registry without the plugin array', () => {
    expect(() => registerInSource('export const plugins = [];\n', names, 'attacks/registry.ts')).toThrow(/attacks\/registry\.ts: no 'new Map\(\[\.\.\.\]\)' of plugins found/);
  });
});
