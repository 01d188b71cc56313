// `gauntlet report <run>`: report.html (self-contained) and report.md for a run directory.
import { UserError } from '../errors.js';
import { writeReport } from '../report/write-report.js';

export interface ReportArgs {
  run: string;
  /** default: the run directory */
  out?: string;
  images: number;
}

export async function reportCommand(args: ReportArgs): Promise<void> {
  if (!(Number.isInteger(args.images) && args.images >= 0)) throw new UserError(`--images: got ${args.images}, expected a whole number >= 0`);
  const began = performance.now();
  const files = await writeReport(args.run, args.out ?? args.run, { imagesPerJob: args.images, artifactsPerJob: 8 });
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  process.stdout.write(`written: ${files.html} and ${files.markdown} (${files.plots} plots, ${files.samples} adversarials drawn) in ${seconds} s\n`);
}
