// CSVs are plotted by their columns: bounds over a sequence as a band, bounds per sample as intervals,
// anything else as series against the first numeric column; every spec renders to SVG.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvPlot } from '../../harness/report/csv-plot.js';
import { renderSvg } from '../../harness/report/svg-plot.js';

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-csv-plot-'));

function plotOf(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  return csvPlot(file, name);
}

describe('csvPlot', () => {
  it('draws anytime bounds as a band against t, with the estimate between', async () => {
    const plot = plotOf('anytime.csv', 't,elapsed_s,lower,upper,estimate,radius\n1,0.5,1,9,5,4\n2,1.5,2,6,4,2\n');
    expect(plot?.caption).toBe('lower and upper (and estimate) against t: the band is what is not yet decided.');
    expect(JSON.stringify(plot?.spec)).toContain('"type":"area"');
    expect(await renderSvg(plot!.spec)).toMatch(/^<svg/);
  });

  it('draws per-sample brackets as intervals, one panel per norm', async () => {
    // the ledger's brackets.csv layout: a sample with no lower bound leaves lower and width empty
    const header = 'model,dataset,split,index,label,norm,lower,lower_strict,lower_attack,lower_job,lower_source,upper,upper_attack,upper_job,width';
    const rows = [
      'm,mnist,test,0,7,l0,1,true,deepcheck,j1,claim,4,jsma,j2,3',
      'm,mnist,test,1,2,l0,,,,,,3,jsma,j2,',
      'm,mnist,test,0,7,linf,0.01,false,lp,j3,claim,0.1,pgd,j4,0.09',
      'm,mnist,test,1,2,linf,0.02,false,lp,j3,claim,0.2,pgd,j4,0.18',
    ];
    const plot = plotOf('brackets.csv', [header, ...rows].join('\n') + '\n');
    expect(plot?.caption).toBe('Per index: the interval from lower (blue) to upper (red).');
    expect(plot?.spec).toMatchObject({ facet: { row: { field: 'norm' } }, resolve: { scale: { y: 'independent' } } });
    expect(await renderSvg(plot!.spec)).toMatch(/^<svg/);
  });

  it('draws other numeric columns against the first, and nothing when there is nothing to draw', async () => {
    const plot = plotOf('coverage.csv', 'step,nc,kmnc,note\n1,0.1,0.01,a\n2,0.3,0.02,b\n');
    expect(plot?.caption).toBe('Each numeric column against step.');
    expect(await renderSvg(plot!.spec)).toMatch(/^<svg/);
    expect(csvPlot(join(dir, 'coverage.csv'), 'coverage.csv', { boundsOnly: true })).toBeUndefined();
    expect(plotOf('empty.csv', 'a,b\n')).toBeUndefined();
    expect(plotOf('words.csv', 'plugin,message\nx,y\n')).toBeUndefined();
  });
});
