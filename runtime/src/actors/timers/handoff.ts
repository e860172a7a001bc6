/**
 * Timers on the peer link. Timers live in memory, so when an actor moves to another sidecar its
 * timers go with it in a `timer-handoff` message; these convert TimerState to and from the wire
 * shape of @outrigger/placement, which validates every field on decode.
 */
import type { HandedOffTimer, TimerHandoffRequest } from '@outrigger/placement';
import type { ActorRef } from '../keys.js';
import type { TimerState } from './state.js';

/** A hand-off as the sender writes it; the peer link adds the version, the id and the timeout. */
export type TimerHandoff = Omit<TimerHandoffRequest, 'v' | 'id' | 'timeoutMs'>;

export function timerHandoffMessage(actor: ActorRef, states: readonly TimerState[]): TimerHandoff {
  return { kind: 'timer-handoff', actorType: actor.type, actorId: actor.id, timers: states.map(toWire) };
}

/** The actor a hand-off is for. */
export function actorOfHandoff(message: Pick<TimerHandoffRequest, 'actorType' | 'actorId'>): ActorRef {
  return { type: message.actorType, id: message.actorId };
}

export function statesFromHandoff(message: Pick<TimerHandoffRequest, 'timers'>): TimerState[] {
  return message.timers.map(fromWire);
}

/** Optional fields are left out, not sent as undefined, so any msgpack reader sees plain maps. */
function toWire(state: TimerState): HandedOffTimer {
  return {
    name: state.name,
    dueTime: state.text.dueTime,
    period: state.text.period,
    ttl: state.text.ttl,
    callback: state.callback,
    ...(state.data !== undefined ? { data: new Uint8Array(state.data) } : {}),
    dueAt: state.dueAt,
    ...(state.expiresAt !== undefined ? { expiresAt: state.expiresAt } : {}),
    nextDueAt: state.nextDueAt,
    firedCount: state.firedCount,
  };
}

function fromWire(timer: HandedOffTimer): TimerState {
  return {
    name: timer.name,
    text: { dueTime: timer.dueTime, period: timer.period, ttl: timer.ttl },
    dueAt: timer.dueAt,
    expiresAt: timer.expiresAt,
    nextDueAt: timer.nextDueAt,
    firedCount: timer.firedCount,
    callback: timer.callback,
    data: timer.data === undefined ? undefined : Buffer.from(timer.data),
  };
}
