/**
 * Actor timers (notes §3.3): in-memory, per sidecar, each armed for its exact due instant and
 * fired through the actor's turn by a `fire` function the composition root supplies. When an
 * actor moves, `handOff` / `adopt` and the `timer-handoff` peer message carry its timers along,
 * keeping their cadence and counts.
 */
export { createTimerService } from './service.js';
export type { TimerService, TimerServiceOptions } from './service.js';
export type { FireTimer } from './timer.js';
export type { TimerState } from './state.js';
export { systemTimerClock } from './clock.js';
export type { TimerClock, TimerHandle } from './clock.js';
export { timerHandoffMessage, statesFromHandoff, actorOfHandoff } from './handoff.js';
export type { TimerHandoff } from './handoff.js';
export { createTimerMover } from './handoff-sender.js';
export type { TimerMover, TimerMoverOptions } from './handoff-sender.js';
