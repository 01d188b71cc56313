// report.html: one file that opens from disk anywhere — CSS inline, plots as inline SVG, pictures as
// data: URIs, nothing fetched.
import type { CsvTable } from './csv-table.js';
import type { Asset, JobSection, RenderedPlot, ReportContent } from './report-content.js';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function dataUri(asset: Asset): string {
  return `data:image/png;base64,${asset.bytes.toString('base64')}`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0 auto; max-width: 1200px; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; } h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; } h3 { font-size: 1.05rem; margin: 1.6rem 0 .3rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: 0; } dl.facts dt { color: #666; } dl.facts dd { margin: 0; font-family: ui-monospace, monospace; font-size: 12.5px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12.5px; } th, td { padding: .25rem .55rem; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th { background: #f6f6f6; position: sticky; top: 0; } td.text, th.text { text-align: left; } tbody tr:hover { background: #fafaf0; }
figure { margin: 1rem 0; } figcaption { color: #555; font-size: 12.5px; max-width: 60rem; } figure.plot svg { max-width: 100%; height: auto; }
.samples { display: flex; flex-wrap: wrap; gap: 1rem 1.5rem; } .sample { border: 1px solid #e4e4e4; border-radius: 4px; padding: .4rem; }
.sample .row { display: flex; gap: .3rem; } .sample img { image-rendering: pixelated; display: block; } .sample .legend { display: flex; gap: .3rem; font-size: 11px; color: #666; } .sample .legend span { width: 112px; text-align: center; }
.meta { color: #555; font-size: 12.5px; } code { font-size: 12px; background: #f3f3f3; padding: 0 .2rem; border-radius: 3px; } .note { color: #8a5a00; font-size: 12.5px; }
details pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; font-size: 12px; }
`;

function plotFigure(plot: RenderedPlot): string {
  return `<figure class="plot"><h3>${escape(plot.title)}</h3>${plot.svg}<figcaption>${escape(plot.caption)}</figcaption></figure>`;
}

function tableHtml(table: CsvTable): string {
  const head = table.head.map((h) => `<th class="text">${escape(h)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${row.map((cell) => `<td class="text">${escape(cell)}</td>`).join('')}</tr>`).join('\n');
  const more = table.more > 0 ? `<p class="meta">${table.more} more rows in ${escape(table.title)}.</p>` : '';
  return `<h3>${escape(table.title)}</h3><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${more}`;
}

function jobHtml(job: JobSection): string {
  const parts = [`<h3 id="job-${job.job}">${escape(job.label)}</h3>`, `<p class="meta">params <code>${escape(job.params)}</code> · ${escape(job.summary)} · job <code>${job.job}</code></p>`];
  if (job.samples.length > 0) {
    parts.push('<div class="samples">');
    for (const s of job.samples) {
      const { sample } = s;
      const alt = (what: string): string => `${what} of sample ${sample.index}`;
      const img = (asset: Asset, what: string): string => `<img src="${dataUri(asset)}" width="112" height="112" alt="${escape(alt(what))}">`;
      parts.push(
        `<div class="sample"><div class="meta">sample ${sample.index}: label ${sample.label} → ${sample.adversarialPrediction ?? '?'}, max |δ| ${Number(sample.maxDelta.toPrecision(3))}</div>` +
          `<div class="row">${img(s.original, 'original')}${img(s.adversarial, 'adversarial')}${img(s.difference, 'difference')}</div>` +
          '<div class="legend"><span>original</span><span>adversarial</span><span>difference</span></div></div>',
      );
    }
    parts.push('</div>');
  } else if (job.notes.length === 0) {
    parts.push('<p class="meta">No validated adversarial to show.</p>');
  }
  for (const plot of job.plots) parts.push(plotFigure(plot));
  for (const picture of job.pictures) parts.push(`<figure><img src="${dataUri(picture.asset)}" alt="${escape(picture.title)}"><figcaption>${escape(picture.title)}</figcaption></figure>`);
  for (const note of job.notes) parts.push(`<p class="note">${escape(note)}</p>`);
  return parts.join('\n');
}

export function reportHtml(content: ReportContent): string {
  const numeric = (cell: string): boolean => cell === '' || Number.isFinite(Number(cell));
  const head = content.table.head.map((h) => `<th class="${['model', 'attack', 'threat', 'dataset'].includes(h) ? 'text' : ''}">${escape(h)}</th>`).join('');
  const body = content.table.rows.map((row) => `<tr>${row.map((cell) => `<td class="${numeric(cell) ? '' : 'text'}">${escape(cell)}</td>`).join('')}</tr>`).join('\n');
  const sections = [
    `<h1>${escape(content.title)}</h1>`,
    `<dl class="facts">${content.facts.map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`).join('')}</dl>`,
    content.configText === undefined ? '' : `<details><summary>config.yaml (every default filled in)</summary><pre>${escape(content.configText)}</pre></details>`,
    '<h2>Leaderboard</h2>',
    `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`,
    '<p class="meta">success_rate: validated adversarials / attacked samples, in %. Distances are means over validated adversarials; mean_time_s over attacked samples; costs are totals in images. All columns are in leaderboard.csv.</p>',
  ];
  if (content.plots.length > 0) sections.push('<h2>Plots</h2>', ...content.plots.map(plotFigure));
  if (content.runPlots.length + content.runTables.length > 0) sections.push('<h2>Run-wide files</h2>', ...content.runPlots.map(plotFigure), ...content.runTables.map(tableHtml));
  sections.push(
    '<h2>Per job</h2>',
    '<p class="meta">For the first validated adversarials of each job: the original, the adversarial, and their difference (mid-grey: unchanged; lighter: raised, darker: lowered; scaled to the sample\'s max |δ|). Images are upscaled ×4.</p>',
    ...content.jobs.map(jobHtml),
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(content.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${sections.filter((s) => s.length > 0).join('\n')}
</body>
</html>
`;
}
