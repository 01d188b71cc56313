// What a report says, gathered once from the run and written twice: as report.html (everything
// inline) and as report.md (pointing at the same pictures saved under report-assets/).
import type { CsvTable } from './csv-table.js';
import type { SampleImages } from './sample-images.js';

export interface Asset {
  /** path relative to the report, under report-assets/ */
  file: string;
  bytes: Buffer;
}

export interface RenderedPlot {
  title: string;
  caption: string;
  svg: string;
  asset: Asset;
}

export interface SampleFigure {
  sample: SampleImages;
  original: Asset;
  adversarial: Asset;
  difference: Asset;
}

/** A PNG a plugin left for the job (saliency map, its own plot). */
export interface Picture {
  title: string;
  asset: Asset;
}

export interface JobSection {
  job: string;
  label: string;
  params: string;
  /** one line of counts, e.g. "29 attacked, 26 adversarial (89.66%), 0 invalid" */
  summary: string;
  samples: SampleFigure[];
  plots: RenderedPlot[];
  pictures: Picture[];
  /** what could not be shown, and why */
  notes: string[];
}

export interface ReportContent {
  title: string;
  /** label, value pairs describing the run */
  facts: [string, string][];
  configText: string | undefined;
  table: { head: string[]; rows: string[][] };
  plots: RenderedPlot[];
  /** plots of CSVs the harness wrote beside the leaderboard that hold bounds (robustness brackets, …) */
  runPlots: RenderedPlot[];
  /** the other CSVs there, as tables (contradictions, …) */
  runTables: CsvTable[];
  jobs: JobSection[];
}
