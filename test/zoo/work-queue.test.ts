// The queue behind `gauntlet train`: lanes take jobs in order as they come free; a failure stays with its job.
import { describe, expect, it } from '@jest/globals';
import { drainQueue } from '../../harness/zoo/work-queue.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('drainQueue', () => {
  it('runs every job once, at most `lanes` at a time, and returns results in job order', async () => {
    let running = 0;
    let most = 0;
    const results = await drainQueue([30, 5, 20, 5, 10, 1], 2, async (ms) => {
      most = Math.max(most, ++running);
      await sleep(ms);
      running--;
      return ms * 2;
    });
    expect(most).toBe(2);
    expect(results).toEqual([30, 5, 20, 5, 10, 1].map((ms) => ({ status: 'fulfilled', value: ms * 2 })));
  });

  it('hands the next job to whichever lane is free first', async () => {
    const lanes: number[] = [];
    // lane 0 is busy with the long job while lane 1 takes every short one
    await drainQueue([80, 5, 5, 5], 2, async (ms, lane) => {
      lanes.push(lane);
      await sleep(ms);
    });
    expect(lanes).toEqual([0, 1, 1, 1]);
  });

  it('keeps going after a failed job and reports the failure as that job\'s result', async () => {
    const done: string[] = [];
    const results = await drainQueue(['a', 'bad', 'c', 'd'], 2, async (job) => {
      await sleep(1);
      if (job === 'bad') throw new Error('broken model');
      done.push(job);
      return job;
    });
    expect(done.sort()).toEqual(['a', 'c', 'd']);
    expect(results[1]).toEqual({ status: 'rejected', reason: new Error('broken model') });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
  });

  it('uses a single lane for a single job and none for no jobs', async () => {
    expect(await drainQueue([1], 4, async (job, lane) => lane)).toEqual([{ status: 'fulfilled', value: 0 }]);
    expect(await drainQueue([], 4, async () => 0)).toEqual([]);
  });
});
