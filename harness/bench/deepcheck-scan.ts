// Bench section: DeepCheck's 1-pixel scan of all 784 pixels of test image 0 on mnist-mlp-10-10-10,
// with the exact engine and with z3, end to end through the harness.
import { Bench } from 'tinybench';
import type { BenchSection } from './bench-section.js';
import { msFigure, type BenchFigure } from './figure.js';
import { pluginEndToEnd } from './plugin-end-to-end.js';

const MODEL = 'mnist-mlp-10-10-10';

export const deepcheckScan: BenchSection = {
  id: 'deepcheck',
  describe: `DeepCheck 784-pixel scan on ${MODEL}, exact and z3 engines (ms per image)`,
  models: [MODEL],
  async run({ test, runs, model, log }) {
    const net = await model(MODEL);
    const figures: BenchFigure[] = [];
    for (const engine of ['exact', 'z3'] as const) {
      log(`DeepCheck 784-pixel scan, ${engine} engine`);
      // z3 takes seconds a scan: one timed run is enough to see the ratio
      const scan = new Bench({ iterations: engine === 'z3' ? 1 : runs, time: 0, warmupIterations: 1, warmupTime: 0, throws: true });
      scan.add(`deepcheck-${engine}`, async () => {
        await pluginEndToEnd('deepcheck', { t: 1, order: 'scan', mode: 'all', engine }, [net], test, [0]);
      });
      await scan.run();
      figures.push(msFigure(scan.tasks[0], MODEL, `DeepCheck 784-pixel scan, ${engine} (ms per image)`));
    }
    return figures;
  },
};
