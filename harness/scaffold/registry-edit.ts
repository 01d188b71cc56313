// Registers a plugin in attacks/registry.ts: an import after the last import, and the constant at the
// end of the array the plugin map is built from — the two edits a person would make by hand.
import { UserError } from '../errors.js';
import type { PluginNames } from './plugin-id.js';

const ARRAY = /new Map\(\s*\[([^\]]*)\]/;

export function registerInSource(source: string, n: PluginNames, file: string): string {
  const array = ARRAY.exec(source);
  if (array === null) throw new UserError(`${file}: no 'new Map([...])' of plugins found; expected the registry's plugin array, to add ${n.constant} to it`);
  if (new RegExp(`\\b${n.constant}\\b`).test(source)) throw new UserError(`${file} already uses the name ${n.constant}; expected an id whose constant is new`);
  const inner = array[1];
  const body = inner.trimEnd();
  const trailing = inner.slice(body.length);
  let added: string;
  if (!body.includes('\n')) {
    added = body.trim().length === 0 ? n.constant : `${body}, ${n.constant}`;
  } else {
    // one plugin per line: keep the file's indentation and its trailing-comma habit
    const indent = /\n([ \t]*)\S[^\n]*$/.exec(body)?.[1] ?? '  ';
    added = body.endsWith(',') ? `${body}\n${indent}${n.constant},` : `${body},\n${indent}${n.constant}`;
  }
  const start = array.index + array[0].indexOf('[') + 1;
  const withPlugin = source.slice(0, start) + added + trailing + source.slice(start + inner.length);

  const importLine = `import { ${n.constant} } from './${n.id}/index.js';\n`;
  const imports = [...withPlugin.matchAll(/^import [^;]*;[^\n]*\n/gm)];
  const last = imports.at(-1);
  const at = last === undefined ? 0 : (last.index as number) + last[0].length;
  return withPlugin.slice(0, at) + importLine + withPlugin.slice(at);
}
