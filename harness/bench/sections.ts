// The sections of `gauntlet bench`, in the order they run. A plugin's bench is one file here
// exporting a BenchSection, added to this list.
import type { BenchSection } from './bench-section.js';
import { deepcheckScan } from './deepcheck-scan.js';
import { engineThroughput } from './engine-throughput.js';

export const BENCH_SECTIONS: readonly BenchSection[] = [engineThroughput, deepcheckScan];
