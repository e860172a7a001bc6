/**
 * Actors as an app writes and calls them: the Actor base class, its state, typed proxies and
 * the call chain that carries reentrancy. Hosting them is host/'s job.
 */
export { Actor, type ActorContext, type ReminderFire } from './actor.js';
export type { ActorProxy } from './proxy.js';
export type { ActorState, SetStateOptions } from './state.js';
export type { Duration } from './durations.js';
