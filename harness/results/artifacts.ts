// Writes the files plugins hand over (they never touch the disk): <run>/artifacts/<job>/<name>.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import sharp from 'sharp';
import type { Artifact } from '../types.js';

export class ArtifactWriter {
  private pending: Promise<void>[] = [];

  constructor(readonly runDir: string) {}

  /** Queues the write; `flush` waits for all of them (PNG encoding is asynchronous). */
  write(job: string, artifact: Artifact): void {
    const name = basename(artifact.name);
    if (name !== artifact.name || name.length === 0) throw new Error(`artifact name '${artifact.name}' must be a plain file name`);
    const dir = join(this.runDir, 'artifacts', job);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, name);
    if (artifact.kind === 'csv') {
      const earlier = artifact.chunkColumn === undefined ? [] : otherChunks(file, artifact.chunkColumn, artifact.rows);
      writeFileSync(file, stringify([...earlier, ...artifact.rows], { header: true }));
      return;
    }
    const { width, height, channels, pixels } = artifact;
    if (pixels.length !== width * height * channels) throw new Error(`artifact ${name}: ${pixels.length} values for ${width}×${height}×${channels}`);
    const image = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
    this.pending.push((channels === 1 ? image.toColourspace('b-w') : image).png().toFile(file).then(() => undefined));
  }

  async flush(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }
}

/** The rows of `file` (if it has `column`) that belong to chunks other than those of `rows`. */
function otherChunks(file: string, column: string, rows: readonly Record<string, string | number>[]): Record<string, string>[] {
  if (!existsSync(file)) return [];
  const mine = new Set(rows.map((r) => String(r[column])));
  const earlier = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
  return earlier.filter((r) => column in r && !mine.has(r[column]));
}
