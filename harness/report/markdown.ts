// report.md: the same content for places that render Markdown (a repository, a pull request); the
// pictures and plots are the files under report-assets/.
import type { JobSection, RenderedPlot, ReportContent } from './report-content.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function table(head: readonly string[], rows: readonly string[][]): string {
  return [`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

function plotMd(plot: RenderedPlot): string {
  return `### ${plot.title}\n\n![${plot.title}](${plot.asset.file})\n\n${plot.caption}\n`;
}

function jobMd(job: JobSection): string {
  const out = [`### ${job.label}`, '', `params \`${job.params}\` · ${job.summary} · job \`${job.job}\``, ''];
  if (job.samples.length > 0) {
    const rows = job.samples.map((s) => [
      `${s.sample.index}: ${s.sample.label} → ${s.sample.adversarialPrediction ?? '?'}`,
      `![original](${s.original.file})`,
      `![adversarial](${s.adversarial.file})`,
      `![difference](${s.difference.file})`,
      String(Number(s.sample.maxDelta.toPrecision(3))),
    ]);
    out.push(table(['sample: label → adversarial', 'original', 'adversarial', 'difference', 'max abs δ'], rows), '');
  } else if (job.notes.length === 0) {
    out.push('No validated adversarial to show.', '');
  }
  for (const plot of job.plots) out.push(plotMd(plot));
  for (const picture of job.pictures) out.push(`![${picture.title}](${picture.asset.file})`, '');
  for (const note of job.notes) out.push(`> ${note}`, '');
  return out.join('\n');
}

export function reportMarkdown(content: ReportContent): string {
  const out = [`# ${content.title}`, '', ...content.facts.map(([k, v]) => `- **${k}**: ${v}`), '', '## Leaderboard', '', table(content.table.head, content.table.rows), ''];
  out.push('success_rate: validated adversarials / attacked samples, in %. Distances are means over validated adversarials; costs are totals in images.', '');
  if (content.plots.length > 0) out.push('## Plots', '', ...content.plots.map(plotMd));
  if (content.runPlots.length + content.runTables.length > 0) {
    out.push('## Run-wide files', '', ...content.runPlots.map(plotMd));
    for (const t of content.runTables) out.push(`### ${t.title}`, '', table(t.head, t.rows), '', ...(t.more > 0 ? [`${t.more} more rows in ${t.title}.`, ''] : []));
  }
  out.push('## Per job', '', 'Difference images: mid-grey is unchanged, lighter raised, darker lowered, scaled to the sample\'s max |δ|; images upscaled ×4.', '');
  out.push(...content.jobs.map(jobMd));
  return out.join('\n');
}
