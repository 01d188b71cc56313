// AIGENT's leaderboard columns. The paper reports maxima of L0/L2/L∞ (Table I), so those sit beside
// the harness's means; patch sizes per edge layer come from each sample's first target (the
// runner-up class unless a target is given), so every sample contributes the same comparison.
import type { SampleRecordView } from '../../harness/types.js';
import type { AigentParams } from './params.js';
import type { PatchSize } from './patch-size.js';

function round(value: number): number {
  return Number(value.toFixed(6));
}

function mean(values: readonly number[]): number | '' {
  return values.length === 0 ? '' : round(values.reduce((a, b) => a + b, 0) / values.length);
}

function max(values: readonly number[]): number | '' {
  return values.length === 0 ? '' : round(Math.max(...values));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function patchOf(value: unknown): PatchSize | null {
  if (!isRecord(value) || typeof value.linf !== 'number' || typeof value.weights_changed !== 'number' || typeof value.l1 !== 'number') return null;
  return value as unknown as PatchSize;
}

/** Mean L∞, L1 and weights changed per key (e.g. an edge layer), over the patches found. */
function patchColumns(prefix: string, patches: ReadonlyMap<string, PatchSize[]>): Record<string, number | ''> {
  const columns: Record<string, number | ''> = {};
  for (const [key, found] of [...patches].sort(([a], [b]) => b.localeCompare(a))) {
    columns[`${prefix}_linf_${key}`] = mean(found.map((p) => p.linf));
    columns[`${prefix}_l1_${key}`] = mean(found.map((p) => p.l1));
    columns[`${prefix}_weights_${key}`] = mean(found.map((p) => p.weights_changed));
  }
  return columns;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

function patchModeColumns(records: readonly SampleRecordView[]): Record<string, string | number> {
  const adversarial = records.filter((r) => r.status === 'adversarial');
  const attacked = records.filter((r) => r.status !== 'skipped');
  const patches = new Map<string, PatchSize[]>();
  const failures = new Map<string, number>();
  const tried: number[] = [];
  for (const record of attacked) {
    const attempts = Array.isArray(record.details.attempts) ? record.details.attempts.filter(isRecord) : [];
    if (attempts.length === 0) continue;
    tried.push(attempts.length);
    const [first] = attempts;
    for (const stage of Array.isArray(first.stages) ? first.stages.filter(isRecord) : []) {
      const patch = patchOf(stage.patch);
      if (patch !== null) push(patches, `el${String(stage.edge_layer)}`, patch);
    }
    if (typeof first.failed === 'string') failures.set(first.failed, (failures.get(first.failed) ?? 0) + 1);
  }
  const failed: Record<string, number> = {};
  for (const [step, count] of [...failures].sort(([a], [b]) => a.localeCompare(b))) failed[`first_failed_${step}`] = count;
  return {
    max_l0: max(adversarial.map((r) => r.distances?.l0 ?? 0)),
    max_l2: max(adversarial.map((r) => r.distances?.l2 ?? 0)),
    max_linf: max(adversarial.map((r) => r.distances?.linf ?? 0)),
    mean_pixels_pct: mean(adversarial.flatMap((r) => (typeof r.details.pixels_pct === 'number' ? [r.details.pixels_pct] : []))),
    mean_targets_tried: mean(tried),
    ...patchColumns('patch', patches),
    ...failed,
  };
}

function goldbergerModeColumns(records: readonly SampleRecordView[]): Record<string, string | number> {
  const baseline = new Map<string, PatchSize[]>();
  const marked = new Map<string, PatchSize[]>();
  for (const { details } of records) {
    const layer = `el${String(details.edge_layer)}`;
    for (const [method, found] of [['goldberger', baseline], ['aigent', marked]] as const) {
      const entry = details[method];
      const patch = isRecord(entry) ? patchOf(entry.patch) : null;
      if (patch !== null) push(found, layer, patch);
    }
  }
  return { ...patchColumns('goldberger', baseline), ...patchColumns('aigent', marked) };
}

export function aigentLeaderboard(records: readonly SampleRecordView[], params: AigentParams): Record<string, string | number> {
  return params.mode === 'patch' ? patchModeColumns(records) : goldbergerModeColumns(records);
}
