// `gauntlet list`: what an experiment can name — datasets, zoo models, plugins and their params.
import { z } from 'zod';
import { plugins } from '../../attacks/registry.js';
import { DATASETS } from '../config/experiment.js';
import { zooModelNames } from '../engine/model-handle.js';
import { readZooManifest } from '../zoo/manifest.js';

interface JsonSchemaProperty {
  type?: string;
  anyOf?: JsonSchemaProperty[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** A value's type in a few words: `coi|co|abs`, `integer >= 0`, or alternatives joined by `|`. */
function describeType(property: JsonSchemaProperty): string {
  if (property.anyOf !== undefined) return property.anyOf.map(describeType).join('|');
  if (property.const !== undefined) return JSON.stringify(property.const);
  const type = property.enum !== undefined ? property.enum.map(String).join('|') : (property.type ?? 'value');
  const bounds = [
    property.exclusiveMinimum !== undefined ? `> ${property.exclusiveMinimum}` : property.minimum !== undefined ? `>= ${property.minimum}` : '',
    property.exclusiveMaximum !== undefined ? `< ${property.exclusiveMaximum}` : property.maximum !== undefined && property.maximum < Number.MAX_SAFE_INTEGER ? `<= ${property.maximum}` : '',
  ].filter((b) => b.length > 0);
  return `${type}${bounds.length > 0 ? ` ${bounds.join(', ')}` : ''}`;
}

function describeParam(property: JsonSchemaProperty, required: boolean): string {
  const fallback = property.default !== undefined ? `default ${JSON.stringify(property.default)}` : required ? 'required' : 'optional';
  return `${describeType(property)}, ${fallback}`;
}

export function listText(): string {
  const lines: string[] = ['datasets:'];
  for (const name of DATASETS) lines.push(`  ${name}  (splits: train, test; 28x28x1, 10 classes)`);
  lines.push('', 'models (zoo):');
  for (const name of zooModelNames()) {
    const manifest = readZooManifest(name);
    const robust = manifest.pgd_accuracy === undefined ? '' : ` (${(manifest.pgd_accuracy * 100).toFixed(2)}% under PGD ε ${manifest.pgd_evaluation?.epsilon})`;
    lines.push(`  ${name.padEnd(20)} ${manifest.dataset}, test accuracy ${(manifest.test_accuracy * 100).toFixed(2)}%${robust}, ${manifest.description}`);
  }
  lines.push('  {path: <model.json>}    any TensorFlow.js LayersModel', '', 'attack plugins:');
  for (const plugin of plugins.values()) {
    const needs = plugin.needs.length > 0 ? ` needs: ${plugin.needs.join(', ')}` : '';
    lines.push(`  ${plugin.id} (${plugin.kind})${needs} — ${plugin.summary}`);
    const schema = z.toJSONSchema(plugin.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchemaProperty>; required?: string[] };
    const required = new Set(schema.required ?? []);
    for (const [key, property] of Object.entries(schema.properties ?? {})) lines.push(`      ${key}: ${describeParam(property, required.has(key))}`);
  }
  return lines.join('\n');
}

export function listCommand(): void {
  process.stdout.write(listText() + '\n');
}
