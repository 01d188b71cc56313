// Writes the files plugins hand over (they never touch the disk): <run>/artifacts/<job>/<name>.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
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
      writeFileSync(file, stringify(artifact.rows, { header: true }));
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
