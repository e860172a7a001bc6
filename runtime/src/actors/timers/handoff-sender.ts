/**
 * Timers move with their actor. When a table change hands an actor to another host, its timers
 * are taken out before the actor is deactivated and, once the change is committed, sent to the
 * new owner over the peer link. If that fails (or the move did not happen) they are re-armed
 * here: a fire from here still reaches the actor through the router, so nothing is lost.
 */
import type { HostRecord } from '@outrigger/placement';
import type { Logger } from '../../logging/index.js';
import type { PeerPool } from '../../peers/index.js';
import { keyOf, type ActorRef } from '../keys.js';
import { timerHandoffMessage } from './handoff.js';
import type { TimerService } from './service.js';
import type { TimerState } from './state.js';

export interface TimerMover {
  /** Takes out the timers of the actors `leaving` selects; sends them once `committed` resolves. */
  moveAway(leaving: (actor: ActorRef) => boolean, committed: Promise<void>): void;
}

export interface TimerMoverOptions {
  readonly timers: TimerService;
  readonly selfHostId: string;
  readonly ownerOf: (actor: ActorRef) => Promise<HostRecord | undefined>;
  readonly peers: PeerPool;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export function createTimerMover(options: TimerMoverOptions): TimerMover {
  const send = async (actor: ActorRef, states: TimerState[]): Promise<void> => {
    const owner = await options.ownerOf(actor).catch(() => undefined);
    if (!owner || owner.hostId === options.selfHostId) {
      options.timers.adopt(actor, states);
      return;
    }
    try {
      await options.peers.request(owner.address, timerHandoffMessage(actor, states), options.timeoutMs);
    } catch (err) {
      options.logger.warn({ actor: `${actor.type}/${actor.id}`, err: (err as Error).message }, 'timer hand-off failed; keeping the timers here');
      options.timers.adopt(actor, states);
    }
  };
  return {
    moveAway(leaving, committed) {
      const handed = options.timers
        .actors()
        .filter(leaving)
        .map((actor) => ({ actor, states: options.timers.handOff(keyOf(actor.type, actor.id)) }))
        .filter((h) => h.states.length > 0);
      if (handed.length === 0) return;
      void committed.then(() => Promise.all(handed.map((h) => send(h.actor, h.states))));
    },
  };
}
