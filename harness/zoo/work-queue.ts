// A queue drained by a fixed number of lanes: each lane takes the next job as soon as its last one
// settles, so jobs start in the order given. A job's failure is its own result, not the queue's.

/** Runs every job once, at most `lanes` at a time; results in the order of `jobs`. */
export async function drainQueue<J, R>(jobs: readonly J[], lanes: number, run: (job: J, lane: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(jobs.length);
  let next = 0;
  const lane = async (index: number): Promise<void> => {
    while (next < jobs.length) {
      const at = next++;
      try {
        results[at] = { status: 'fulfilled', value: await run(jobs[at], index) };
      } catch (reason) {
        results[at] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, jobs.length)) }, (_, i) => lane(i)));
  return results;
}
