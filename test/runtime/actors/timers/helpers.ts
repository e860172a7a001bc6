/** A timer service on a manual clock that records every fire, with a swappable fake callback. */
import { pino } from 'pino';
import { keyOf, type ActorRef } from '../../../../runtime/src/actors/keys.js';
import { createTimerService, type TimerService } from '../../../../runtime/src/actors/timers/index.js';
import { ManualTimerClock } from './manual-timer-clock.js';

export interface Fired {
  /** ms since the harness started. */
  readonly at: number;
  readonly actor: ActorRef;
  readonly name: string;
  readonly raw: string;
  readonly body: Record<string, unknown>;
}

export interface Harness {
  readonly clock: ManualTimerClock;
  readonly service: TimerService;
  readonly fires: Fired[];
  /** What each fire does after being recorded; resolves by default. */
  behaviour: (fired: Fired, index: number) => Promise<void>;
  /** Fires running right now, and the most ever at once. */
  readonly running: { now: number; max: number };
  /** Fire instants (ms since start) of one timer, or of all. */
  times(name?: string): number[];
}

export const counter: ActorRef = { type: 'Counter', id: 'a' };
export const counterKey = keyOf(counter.type, counter.id);
export const silent = pino({ level: 'silent' });

export function timerHarness(clock = new ManualTimerClock()): Harness {
  const start = clock.now();
  const harness: Harness = {
    clock,
    fires: [],
    behaviour: () => Promise.resolve(),
    running: { now: 0, max: 0 },
    times: (name) => harness.fires.filter((f) => name === undefined || f.name === name).map((f) => f.at),
    service: createTimerService({
      clock,
      logger: silent,
      fire: async (actor, name, payload) => {
        const raw = payload.toString('utf8');
        const fired = { at: clock.now() - start, actor, name, raw, body: JSON.parse(raw) as Record<string, unknown> };
        harness.fires.push(fired);
        harness.running.now++;
        harness.running.max = Math.max(harness.running.max, harness.running.now);
        try {
          await harness.behaviour(fired, harness.fires.length - 1);
        } finally {
          harness.running.now--;
        }
      },
    }),
  };
  return harness;
}
