// When an anytime search must stop: the runner aborts (deadline, Ctrl-C) or the plugin's own budget
// runs out. The first reason seen sticks, so every part of the search agrees on it.

export type StopReason = 'signal' | 'budget';

export interface Stopper {
  /** checks now; true from the first time a reason is seen */
  (): boolean;
  readonly reason: StopReason | undefined;
}

export function stopper(signal: AbortSignal, budgetSeconds: number): Stopper {
  const deadline = performance.now() + budgetSeconds * 1000;
  let reason: StopReason | undefined;
  const stop = (): boolean => {
    reason ??= signal.aborted ? 'signal' : performance.now() > deadline ? 'budget' : undefined;
    return reason !== undefined;
  };
  return Object.defineProperty(stop, 'reason', { get: () => reason }) as Stopper;
}
