// The engine bench's run length: enough calls for a run of about 40 ms on gauntlet's side, never
// fewer than 8 nor more than 64, whatever the warm-up measured.
import { describe, expect, it } from '@jest/globals';
import { callsPerRun } from '../../harness/bench/engine-throughput.js';

describe('callsPerRun', () => {
  it('makes a run last at least 40 ms between the bounds', () => {
    for (const ms of [0.7, 1, 2, 3.3, 4.9]) {
      const calls = callsPerRun(ms);
      expect(calls * ms).toBeGreaterThanOrEqual(40);
      // and not a call more than that needs
      expect((calls - 1) * ms).toBeLessThan(40);
    }
  });

  it('keeps at least 8 calls for slow calls and at most 64 for fast ones', () => {
    expect(callsPerRun(5)).toBe(8);
    expect(callsPerRun(70)).toBe(8);
    expect(callsPerRun(0.3)).toBe(64);
    expect(callsPerRun(0.001)).toBe(64);
  });

  it('falls back to 8 calls for a time it cannot use', () => {
    for (const ms of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(callsPerRun(ms)).toBe(8);
  });
});
