// `gauntlet bench` (npm run bench): runs the bench sections (harness/bench/sections.ts), each figure
// the median of several timed runs with its spread, prints a table and writes results/bench/latest.csv.
// `--only a,b` runs some sections; the rows of the others already in latest.csv are kept.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { BenchFigure } from '../bench/figure.js';
import { BENCH_SECTIONS } from '../bench/sections.js';
import type { BackendChoice } from '../config/experiment.js';
import { loadDataset } from '../data/dataset.js';
import { selectBackend } from '../engine/backend.js';
import { setNativeThreads } from '../engine/kernels/native-kernels.js';
import { loadModel } from '../engine/model-handle.js';
import { ModelPool } from '../engine/pool/model-pool.js';
import { UserError } from '../errors.js';
import { hostCores } from '../results/run-info.js';
import type { ModelHandle } from '../types.js';

export interface BenchArgs {
  backend: BackendChoice;
  runs: number;
  /** model worker threads; default one per core on wasm/cpu */
  workers?: number;
  /** section ids to run; all when absent */
  only?: string[];
}

const LATEST = 'results/bench/latest.csv';

type BenchRow = BenchFigure & { section: string; backend: string; kernels: string; workers: number; cores: number };

function selectedSections(only: string[] | undefined): typeof BENCH_SECTIONS {
  if (only === undefined || only.length === 0) return BENCH_SECTIONS;
  const ids = BENCH_SECTIONS.map((s) => s.id);
  for (const id of only) {
    if (!ids.includes(id)) throw new UserError(`bench --only: unknown section '${id}'; expected some of: ${ids.join(', ')}`);
  }
  return BENCH_SECTIONS.filter((s) => only.includes(s.id));
}

export async function benchCommand(args: BenchArgs): Promise<BenchFigure[]> {
  const sections = selectedSections(args.only);
  const backend = await selectBackend(args.backend);
  const workers = args.workers ?? (backend.backend === 'wasm' || backend.backend === 'cpu' ? hostCores() : 1);
  // as in a run: the calling thread computes only models too small for the pool, while the workers wait
  setNativeThreads(Math.max(1, workers));
  const test = await loadDataset('mnist', 'test');
  const log = (line: string): void => {
    process.stderr.write(`bench: ${line}\n`);
  };
  log(`backend ${backend.backend} (kernels: ${backend.kernels}), ${workers} worker(s), ${hostCores()} cores, ${args.runs} runs per figure; sections: ${sections.map((s) => s.id).join(', ')}`);
  const models = [...new Set(sections.flatMap((s) => s.models))];
  const pool = workers > 1 ? await ModelPool.start({ workers, backend: args.backend, models }) : undefined;
  const handles = new Map<string, ModelHandle>();
  const model = async (name: string): Promise<ModelHandle> => {
    let handle = handles.get(name);
    if (handle === undefined) {
      const local = await loadModel(name);
      handle = models.includes(name) ? (pool?.handle(local) ?? local) : local;
      handles.set(name, handle);
    }
    return handle;
  };
  const rows: BenchRow[] = [];
  try {
    for (const section of sections) {
      log(`section ${section.id}: ${section.describe}`);
      const figures = await section.run({ test, runs: args.runs, model, log });
      rows.push(...figures.map((f) => ({ section: section.id, ...f, backend: backend.backend, kernels: backend.kernels, workers, cores: hostCores() })));
    }
  } finally {
    await pool?.close();
  }
  const kept = previousRows().filter((row) => !sections.some((s) => s.id === row.section));
  mkdirSync('results/bench', { recursive: true });
  writeFileSync(LATEST, stringify([...kept, ...rows], { header: true, columns: COLUMNS }));
  process.stdout.write(formatTable(rows) + '\n');
  process.stdout.write(`written: ${LATEST} (backend ${backend.backend}, ${workers} worker(s), ${hostCores()} cores${kept.length > 0 ? `; ${kept.length} rows of other sections kept` : ''})\n`);
  return rows;
}

const COLUMNS = ['section', 'model', 'figure', 'unit', 'median', 'min', 'max', 'runs', 'torch_median', 'torch_min', 'torch_max', 'ratio', 'ratio_min', 'ratio_max', 'agreement', 'backend', 'kernels', 'workers', 'cores'];

/** The rows of an earlier latest.csv that has a section column (older files are replaced whole). */
function previousRows(): Record<string, string>[] {
  if (!existsSync(LATEST)) return [];
  const rows = parse(readFileSync(LATEST, 'utf8'), { columns: true }) as Record<string, string>[];
  return rows.length > 0 && 'section' in rows[0] ? rows : [];
}

function formatTable(figures: readonly BenchFigure[]): string {
  const withTorch = figures.some((f) => f.torch_median !== undefined);
  const head = ['model', 'figure', 'gauntlet median (min–max)', ...(withTorch ? ['PyTorch median (min–max)', 'ratio', 'agreement'] : [])];
  const body = figures.map((f) => [
    f.model,
    f.figure,
    `${f.median} (${f.min}–${f.max})`,
    ...(withTorch ? [f.torch_median === undefined ? '' : `${f.torch_median} (${f.torch_min ?? ''}–${f.torch_max ?? ''})`, String(f.ratio ?? ''), f.agreement ?? ''] : []),
  ]);
  const table = [head, ...body];
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  return table.map((r) => r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
