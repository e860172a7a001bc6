/**
 * The turn lock's public shapes: what a caller asks for, what it gets, and what the lock
 * promises. The implementation is in turn-lock.ts; only createTurnLock builds one.
 */
import type { ActorTypeSettings } from '../config/index.js';
import type { Clock } from '../../clock/index.js';
import type { WaitForGraph } from './wait-for-graph.js';

export interface TurnRequest {
  /** The call chain (Dapr-Reentrancy-Id). Needed to re-enter, and sharpens deadlock checks. */
  readonly chainId?: string;
  /** Actor keys (`type||id`) whose turns the calling chain holds, in call order. */
  readonly path?: readonly string[];
  /** Aborting it while the call waits removes the call from the queue. */
  readonly signal?: AbortSignal;
}

export interface Turn {
  /** How many turns the chain holds on this actor, this one included: 1 unless re-entered. */
  readonly depth: number;
  /** Aborted with an ActorClosedError when the lock closes while the turn runs. */
  readonly signal: AbortSignal;
  /** Ends the turn; further calls do nothing. */
  release(): void;
}

export interface TurnLock {
  /** The actor key, `type||id`. */
  readonly key: string;
  /**
   * Resolves when the call has the turn. Rejects with ActorClosedError (retryable) once the lock
   * is closed, StackDepthError or DeadlockError (not retryable) at once, or the signal's reason.
   */
  acquire(request?: TurnRequest): Promise<Turn>;
  /** For deactivation: queued and later calls fail with ActorClosedError; running turns' signals abort. */
  close(reason?: string): void;
  /** Resolves once no turn is held and no call waits; bound it with the caller's timeout. */
  drained(): Promise<void>;
  /** Calls waiting for a turn (not the running ones). */
  readonly queueLength: number;
  readonly held: boolean;
  /** The chain id of the chain holding the turn, if it gave one; for debugging and tests. */
  readonly holderChainId: string | undefined;
  /** When the current chain got the turn (clock ms), undefined when free. */
  readonly turnStartedAt: number | undefined;
  readonly closed: boolean;
}

export interface TurnLockOptions {
  /** The actor key, `type||id` (see actorKey). */
  readonly key: string;
  /** The actor type's reentrancy settings; off by default, maxStackDepth 32 as in Dapr. */
  readonly reentrancy?: ActorTypeSettings['reentrancy'];
  /** Shared by every lock of the sidecar; without one only the call's own path is checked. */
  readonly graph?: WaitForGraph;
  readonly clock?: Clock;
}
