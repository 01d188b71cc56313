// Builds gauntlet's native kernels (native/build/Release/gauntlet_kernels.node) when the project is
// installed. They are optional: when there is no C++ compiler or no Node headers, the build fails,
// this prints one line saying so, and gauntlet runs on the tfjs wasm kernels alone. GAUNTLET_NATIVE=0
// skips the build. Beside the addon it writes the hash of the sources it was built from, which the
// loader (harness/engine/kernels/native-kernels.ts, nativeSourcesHash) compares with the sources in
// the tree: an addon built from other sources is not used. `--sources-hash` prints that hash alone.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, 'build', 'Release', 'gauntlet_kernels.node');
const builtFrom = join(here, 'build', 'Release', 'sources.sha256');

/** sha256 over binding.gyp and native/src/*, names and contents (the same as nativeSourcesHash). */
function sourcesHash() {
  const hash = createHash('sha256');
  const files = ['binding.gyp', ...readdirSync(join(here, 'src')).sort().map((name) => `src/${name}`)];
  for (const file of files) hash.update(file).update('\0').update(readFileSync(join(here, file))).update('\0');
  return hash.digest('hex');
}

if (process.argv.includes('--sources-hash')) {
  console.log(sourcesHash());
  process.exit(0);
}

if (process.env.GAUNTLET_NATIVE === '0') {
  console.log('gauntlet: GAUNTLET_NATIVE=0, native kernels not built');
  process.exit(0);
}

// npm hands lifecycle scripts the path of its own node-gyp; outside npm, look for npm's copy.
const candidates = [
  process.env.npm_config_node_gyp,
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((path) => path !== undefined && existsSync(path));

// Node's own headers, when this Node was installed with them (Debian, nvm, the official tarballs):
// without them node-gyp would try to download headers, which an offline machine cannot.
const prefix = join(dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir ?? (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined);

const started = Date.now();
let failure = candidates.length === 0 ? 'node-gyp not found' : '';
if (candidates.length > 0) {
  const result = spawnSync(process.execPath, [candidates[0], 'rebuild', '--directory', here, ...(nodedir === undefined ? [] : [`--nodedir=${nodedir}`])], { encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(built)) {
    const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.split('\n').filter((line) => /error/i.test(line));
    failure = lines[0]?.trim() ?? `node-gyp exited with ${result.status}`;
  }
}
if (failure === '') {
  writeFileSync(builtFrom, `${sourcesHash()}\n`);
  console.log(`gauntlet: native kernels built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} else {
  rmSync(built, { force: true });
  rmSync(builtFrom, { force: true });
  console.warn(`gauntlet: native kernels not built (${failure}); gauntlet will use the slower wasm kernels`);
}
