// Registering a plugin erases its params type: the runner only calls it with params its own schema parsed.
import type { AttackContext, AttackPlugin, Capability, PluginKind, SampleOutcome, SampleRecordView, ThreatModel } from './types.js';
import type { z } from 'zod';

export interface RegisteredPlugin {
  readonly id: string;
  readonly summary: string;
  readonly kind: PluginKind;
  readonly params: z.ZodType<unknown>;
  readonly needs: readonly Capability[];
  chunkSize(params: unknown): number;
  threat(params: unknown): ThreatModel;
  run(ctx: AttackContext<unknown>): AsyncIterable<SampleOutcome>;
  leaderboard(records: readonly SampleRecordView[], params: unknown): Record<string, string | number>;
}

export function definePlugin<P>(plugin: AttackPlugin<P>): RegisteredPlugin {
  return {
    id: plugin.id,
    summary: plugin.summary,
    kind: plugin.kind,
    params: plugin.params,
    needs: plugin.needs,
    chunkSize: (params) => plugin.chunkSize(params as P),
    threat: (params) => plugin.threat(params as P),
    run: (ctx) => plugin.run(ctx as AttackContext<P>),
    leaderboard: (records, params) => plugin.leaderboard?.(records, params as P) ?? {},
  };
}
