/**
 * A reminder service on the in-memory storage and a manual clock, with a fire function that
 * records every fire and answers as the test says. Tests move the clock (the actor timers' manual
 * one) and call `runDue()`, so nothing waits for real time.
 */
import type { ExecutionContext } from 'ava';
import { pino } from 'pino';
import type { ActorRef } from '../../../../runtime/src/actors/keys.js';
import {
  createReminderService,
  type FireResult,
  type ReminderService,
  type ReminderServiceOptions,
} from '../../../../runtime/src/actors/reminders/index.js';
import { InMemoryReminderStorage } from '../../../../runtime/src/components/state/in-memory-reminders.js';
import type { ReminderStorage } from '../../../../runtime/src/state/store.js';
import { uniqueId } from '../../../harness/ids.js';
import { ManualTimerClock } from '../timers/manual-timer-clock.js';

export const T0 = Date.UTC(2030, 0, 1);
export const cat: ActorRef = { type: 'Cat', id: 'tom' };

export interface Fired {
  readonly actor: string;
  readonly name: string;
  readonly body: unknown;
  /** The manual clock's time at the fire, relative to T0. */
  readonly at: number;
  readonly by: string;
}

/** What a fire answers: a result, or a thrown error (a failed delivery). */
export type Answer = (fired: Fired) => FireResult | Promise<FireResult>;

export interface World {
  readonly clock: ManualTimerClock;
  readonly storage: ReminderStorage;
  readonly appId: string;
  readonly fired: Fired[];
  /** Changes how every later fire answers. */
  answer(how: Answer): void;
  /** Another sidecar on the same storage and clock; closed at teardown. */
  sidecar(name: string, overrides?: Partial<ReminderServiceOptions>): ReminderService;
}

export const silent = pino({ level: 'silent' });

export function world(t: ExecutionContext, storage: ReminderStorage = new InMemoryReminderStorage()): World {
  const clock = new ManualTimerClock(T0);
  const fired: Fired[] = [];
  const appId = uniqueId('app');
  let how: Answer = () => ({ cancel: false });
  return {
    clock,
    storage,
    appId,
    fired,
    answer: (next) => void (how = next),
    sidecar(name, overrides = {}) {
      const service = createReminderService({
        appId,
        storage,
        clock,
        owns: () => true,
        hostedTypes: () => ['Cat'],
        fire: async (actor, reminder, payload) => {
          const record = { actor: `${actor.type}/${actor.id}`, name: reminder, body: JSON.parse(payload.toString()) as unknown, at: clock.now() - T0, by: name };
          fired.push(record);
          return how(record);
        },
        logger: silent,
        ...overrides,
      });
      t.teardown(() => service.close());
      return service;
    },
  };
}

/** The fire times (relative to T0) recorded so far. */
export const times = (fired: readonly Fired[]): number[] => fired.map((f) => f.at);

/** Resolves when `release()` is called: a fire that hangs until the test lets it go. */
export function gate(): { promise: Promise<void>; release(): void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}
