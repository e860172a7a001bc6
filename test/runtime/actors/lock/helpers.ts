/**
 * Helpers for the turn-lock tests: watch a promise without awaiting it, and let pending
 * microtasks run. Everything in the lock is promise-driven, so no test needs a timer.
 */
import {
  actorKey,
  createTurnLock,
  createWaitForGraph,
} from '../../../../runtime/src/actors/lock/index.js';
import type { Turn, TurnLock, TurnLockOptions, WaitForGraph } from '../../../../runtime/src/actors/lock/index.js';

export interface Probe<T> {
  state: 'pending' | 'fulfilled' | 'rejected';
  value: T | undefined;
  reason: unknown;
}

/** Records how `promise` settles, so a test can assert "still waiting" without awaiting. */
export function probe<T>(promise: Promise<T>): Probe<T> {
  const watched: Probe<T> = { state: 'pending', value: undefined, reason: undefined };
  promise.then(
    (value) => Object.assign(watched, { state: 'fulfilled', value }),
    (reason: unknown) => Object.assign(watched, { state: 'rejected', reason }),
  );
  return watched;
}

/** Lets every promise reaction that is already queued (and the ones they queue) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** The turn a probe was granted; throws (failing the test) if it was not. */
export function turnOf(watched: Probe<Turn>): Turn {
  if (watched.state !== 'fulfilled' || !watched.value) throw new Error(`expected a granted turn, got ${watched.state}`);
  return watched.value;
}

/** Locks for Counter actors sharing one wait-for graph, as one sidecar's table would hold them. */
export function counters<const I extends string>(
  ids: readonly I[],
  options: Omit<TurnLockOptions, 'key' | 'graph'> = {},
): { graph: WaitForGraph; locks: Record<I, TurnLock> } {
  const graph = createWaitForGraph();
  const entries = ids.map((id) => [id, createTurnLock({ ...options, key: actorKey('Counter', id), graph })] as const);
  return { graph, locks: Object.fromEntries(entries) as Record<I, TurnLock> };
}

export const key = (id: string): string => actorKey('Counter', id);
