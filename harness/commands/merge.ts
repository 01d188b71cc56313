// `gauntlet merge <dirs…> --out DIR`: shard directories → one run directory, as if run unsharded.
import { selectBackend } from '../engine/backend.js';
import { mergeShards } from '../results/merge.js';
import { configEnv } from './config-env.js';
import { formatSummary } from './summary.js';

export interface MergeArgs {
  dirs: string[];
  out: string;
}

/** Exit status 0 when the merged run is finished; 1 when a shard was not (the merge is still written). */
export async function mergeCommand(args: MergeArgs): Promise<number> {
  // the run-level columns (FID features, coverage, transfer) query models again
  await selectBackend('auto');
  const result = await mergeShards({ dirs: args.dirs, outDir: args.out, env: configEnv(), log: (line) => process.stderr.write(line + '\n') });
  process.stdout.write(formatSummary(result.rows) + '\n');
  process.stdout.write(`merged ${args.dirs.length} shards (${result.records} records) into ${args.out}/: status ${result.info.status}\n`);
  if (result.info.status === 'finished') return 0;
  process.stderr.write(`gauntlet: the merged run is ${result.info.status}, not finished: resume the unfinished shards (gauntlet run … --resume --shard i/n) and merge again\n`);
  return 1;
}
