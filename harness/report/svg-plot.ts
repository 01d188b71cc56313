// Vega-Lite specs rendered to SVG text in Node: vega's headless view, no canvas, no browser, no network.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Vega names clip paths and gradients `clip1`, `gradient_0`…: the same in every SVG it writes. Inline
 * in one HTML page they would collide, each plot clipping by the first plot's paths; so each gets its
 * own prefix.
 */
export function isolateIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}
