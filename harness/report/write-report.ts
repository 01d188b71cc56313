// Writes report.html, report.md and the pictures report.md points at (report-assets/), by default
// into the run directory itself.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildReport, type BuildOptions } from './build-report.js';
import { reportHtml } from './html.js';
import { reportMarkdown } from './markdown.js';
import type { Asset, ReportContent } from './report-content.js';
import { readReportRun } from './report-run.js';

export interface ReportFiles {
  html: string;
  markdown: string;
  plots: number;
  samples: number;
}

function assetsOf(content: ReportContent): Asset[] {
  const plots = [...content.plots, ...content.runPlots, ...content.jobs.flatMap((j) => j.plots)].map((p) => p.asset);
  const samples = content.jobs.flatMap((j) => j.samples.flatMap((s) => [s.original, s.adversarial, s.difference]));
  return [...plots, ...samples, ...content.jobs.flatMap((j) => j.pictures.map((p) => p.asset))];
}

export async function writeReport(runDir: string, outDir: string, options: BuildOptions): Promise<ReportFiles> {
  const content = await buildReport(readReportRun(runDir), options);
  // the assets of an earlier report of this run would otherwise linger beside the new ones
  rmSync(join(outDir, 'report-assets'), { recursive: true, force: true });
  for (const asset of assetsOf(content)) {
    mkdirSync(dirname(join(outDir, asset.file)), { recursive: true });
    writeFileSync(join(outDir, asset.file), asset.bytes);
  }
  const html = join(outDir, 'report.html');
  const markdown = join(outDir, 'report.md');
  writeFileSync(html, reportHtml(content));
  writeFileSync(markdown, reportMarkdown(content));
  const plots = content.plots.length + content.runPlots.length + content.jobs.reduce((n, j) => n + j.plots.length, 0);
  return { html, markdown, plots, samples: content.jobs.reduce((n, j) => n + j.samples.length, 0) };
}
