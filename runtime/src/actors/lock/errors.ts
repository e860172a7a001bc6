/**
 * Why an actor turn was not granted. Callers decide on `code` or `retryable`, never on the
 * message. ERR_ACTOR_STACK_DEPTH is Dapr's code (HTTP 500); Dapr has no code for a closed lock
 * (it retries an internal "actor lock is closed" error) nor for deadlocks, so those two are ours.
 */
import { describeActorKey } from './keys.js';

export type TurnLockErrorCode =
  /** The actor was deactivated or moved; the router retries against the new owner. */
  | 'ERR_ACTOR_CLOSED'
  /** A reentrant chain nested deeper than the type's maxStackDepth. */
  | 'ERR_ACTOR_STACK_DEPTH'
  /** Granting the turn could never happen: the call would wait for itself. */
  | 'ERR_ACTOR_DEADLOCK';

export class TurnLockError extends Error {
  override readonly name: string = 'TurnLockError';

  constructor(
    readonly code: TurnLockErrorCode,
    /** Whether the same call may succeed if sent again (on this or another sidecar). */
    readonly retryable: boolean,
    message: string,
  ) {
    super(message);
  }
}

/** The lock was closed for deactivation: queued calls and later acquires fail with this. */
export class ActorClosedError extends TurnLockError {
  override readonly name: string = 'ActorClosedError';

  constructor(
    readonly actorKey: string,
    readonly reason: string,
  ) {
    super('ERR_ACTOR_CLOSED', true, `actor ${describeActorKey(actorKey)} is closed: ${reason}`);
  }
}

/** A reentrant call would nest the chain deeper than allowed; retrying nests just as deep. */
export class StackDepthError extends TurnLockError {
  override readonly name: string = 'StackDepthError';

  constructor(
    readonly actorKey: string,
    readonly maxStackDepth: number,
  ) {
    const actor = describeActorKey(actorKey);
    const detail = `the call chain would be ${maxStackDepth + 1} deep in ${actor} (maxStackDepth ${maxStackDepth})`;
    super('ERR_ACTOR_STACK_DEPTH', false, `maximum stack depth exceeded: ${detail}`);
  }
}

/**
 * The call would wait, directly or through other chains, for a turn its own chain holds.
 * `cycle` lists actor keys in "waits for" order and starts and ends with the same actor.
 * Not retryable: the same call meets the same cycle while the chains stay as they are.
 */
export class DeadlockError extends TurnLockError {
  override readonly name: string = 'DeadlockError';

  constructor(
    readonly cycle: readonly string[],
    /** True when the call's own chain closes the cycle (A → B → A); false across chains. */
    readonly ownChain: boolean,
    explanation: string,
  ) {
    super('ERR_ACTOR_DEADLOCK', false, `deadlock: ${cycle.map(describeActorKey).join(' → ')} ${explanation}`);
  }
}
