/**
 * The per-actor turn lock: one turn at a time per actor, FIFO between call chains, Dapr's
 * reentrancy (Dapr-Reentrancy-Id, maxStackDepth) and, beyond Dapr, deadlock detection from the
 * chain's call path and a wait-for graph shared by the sidecar's locks. The actor table owns one
 * lock per active actor and closes it on deactivation; it does not know about routing or the app.
 * What the deadlock check cannot see (cross-chain cycles spanning sidecars) is in wait-for-graph.ts.
 */
export { createTurnLock } from './turn-lock.js';
export type { Turn, TurnLock, TurnLockOptions, TurnRequest } from './types.js';
export { createWaitForGraph } from './wait-for-graph.js';
export type { WaitForGraph, Wait, Holder, Cycle } from './wait-for-graph.js';
export { actorKey, actorTypeOf, describeActorKey } from './keys.js';
export { TurnLockError, ActorClosedError, StackDepthError, DeadlockError } from './errors.js';
export type { TurnLockErrorCode } from './errors.js';
