// The sections of `gauntlet bench`, in the order they run. A plugin's bench is one file here
// exporting a BenchSection, added to this list.
import type { BenchSection } from './bench-section.js';
import { coverageBench } from './coverage-bench.js';
import { deepcheckScan } from './deepcheck-scan.js';
import { engineThroughput } from './engine-throughput.js';
import { kernelProfile } from './kernel-profile.js';
import { l0treBench } from './l0tre-bench.js';
import { minimalLpBench } from './minimal-lp-bench.js';

export const BENCH_SECTIONS: readonly BenchSection[] = [engineThroughput, kernelProfile, deepcheckScan, coverageBench, l0treBench, minimalLpBench];
