// A record as a plugin's leaderboard hook sees it, with neutral defaults for what a test leaves out.
import type { SampleRecordView } from '../../harness/types.js';

export function recordView(partial: Partial<SampleRecordView> & Pick<SampleRecordView, 'status' | 'label'>): SampleRecordView {
  return {
    index: 0,
    adversarial_prediction: null,
    target: null,
    distances: null,
    time_ms: 1,
    cost: { forward: 0, gradient: 0, solver_calls: 0 },
    claims: [],
    details: {},
    ...partial,
  };
}
