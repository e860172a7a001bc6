/**
 * The actor timers of one sidecar, in memory only (notes §3.3): a timer lives on the sidecar that
 * created it, or that adopted it when its actor moved, keyed by actor and name. Creating a name
 * again replaces the timer; deleting an unknown one is no error, as in Dapr.
 */
import { apiErrors } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import { keyOf, type ActorRef } from '../keys.js';
import type { TimerClock } from './clock.js';
import { parseTimerRequest, specFromState } from './spec.js';
import type { TimerState } from './state.js';
import { Timer, type FireTimer, type TimerContext } from './timer.js';

export interface TimerServiceOptions {
  readonly clock: TimerClock;
  /** Delivers a fire: the actor's `PUT …/method/timer/{name}` callback with `payload` as body. */
  readonly fire: FireTimer;
  readonly logger: Logger;
}

export interface TimerService {
  /** Creates or replaces a timer from a request body (notes §3.1); throws ERR_ACTOR_TIMER_CREATE. */
  register(actor: ActorRef, name: string, body: unknown): void;
  /** Stops and forgets a timer; an unknown one is fine. */
  unregister(actor: ActorRef, name: string): void;
  /** Removes an actor's timers (by `type||id` key) and returns their state for its new owner. */
  handOff(actorKey: string): TimerState[];
  /**
   * Arms handed-off timers here, keeping their next due times and counts. A local timer of the
   * same name wins: it was created after the hand-off was taken. Returns how many were adopted.
   */
  adopt(actor: ActorRef, states: readonly TimerState[]): number;
  /** Stops and forgets an actor's timers (by `type||id` key), e.g. when it is deactivated. */
  drop(actorKey: string): void;
  /** The state of an actor's live timers, sorted by name. */
  timersOf(actorKey: string): TimerState[];
  /** Every actor with a live timer here, whether active or not. */
  actors(): ActorRef[];
  /** Stops every timer; later registrations are refused. */
  close(): void;
}

export function createTimerService(options: TimerServiceOptions): TimerService {
  return new TimerRegistry(options);
}

class TimerRegistry implements TimerService {
  /** actor key → timer name → timer. */
  readonly #byActor = new Map<string, Map<string, Timer>>();
  readonly #context: TimerContext;
  #closed = false;

  constructor(private readonly options: TimerServiceOptions) {
    this.#context = { ...options, onDone: (timer) => this.#forget(timer) };
  }

  register(actor: ActorRef, name: string, body: unknown): void {
    if (this.#closed) throw apiErrors.actorRuntimeClosed();
    const spec = parseTimerRequest(body, this.options.clock.now());
    this.#install(new Timer(actor, name, spec, Timer.fresh(spec), this.#context));
  }

  unregister(actor: ActorRef, name: string): void {
    const timer = this.#byActor.get(keyOf(actor.type, actor.id))?.get(name);
    if (!timer) return;
    timer.stop();
    this.#forget(timer);
  }

  handOff(actorKey: string): TimerState[] {
    const states = this.timersOf(actorKey);
    this.drop(actorKey);
    return states;
  }

  adopt(actor: ActorRef, states: readonly TimerState[]): number {
    if (this.#closed) return 0;
    const existing = this.#byActor.get(keyOf(actor.type, actor.id));
    const fresh = states.filter((state) => !existing?.has(state.name));
    return fresh.filter((state) => this.#adoptOne(actor, state)).length;
  }

  drop(actorKey: string): void {
    const timers = this.#byActor.get(actorKey);
    if (!timers) return;
    for (const timer of timers.values()) timer.stop();
    this.#byActor.delete(actorKey);
  }

  timersOf(actorKey: string): TimerState[] {
    const timers = [...(this.#byActor.get(actorKey)?.values() ?? [])];
    return timers
      .map((timer) => timer.state())
      .filter((state): state is TimerState => state !== undefined)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  actors(): ActorRef[] {
    return [...this.#byActor.values()].flatMap((timers) => {
      const first = timers.values().next();
      return first.done ? [] : [first.value.actor];
    });
  }

  close(): void {
    this.#closed = true;
    for (const key of [...this.#byActor.keys()]) this.drop(key);
  }

  #adoptOne(actor: ActorRef, state: TimerState): boolean {
    try {
      const spec = specFromState(state);
      this.#install(new Timer(actor, state.name, spec, { nextDueAt: state.nextDueAt, firedCount: state.firedCount }, this.#context));
      return true;
    } catch (err) {
      // Only a peer that speaks another dialect sends a state we cannot rebuild; keep the rest.
      this.options.logger.warn({ actor: `${actor.type}/${actor.id}`, timer: state.name, err: (err as Error).message }, 'a handed-off actor timer was dropped');
      return false;
    }
  }

  /** Puts a timer in place of any of the same actor and name, and arms it. */
  #install(timer: Timer): void {
    const key = keyOf(timer.actor.type, timer.actor.id);
    let timers = this.#byActor.get(key);
    if (!timers) this.#byActor.set(key, (timers = new Map()));
    timers.get(timer.name)?.stop();
    timers.set(timer.name, timer);
    timer.start();
  }

  /** Removes a timer unless another has already taken its place. */
  #forget(timer: Timer): void {
    const key = keyOf(timer.actor.type, timer.actor.id);
    const timers = this.#byActor.get(key);
    if (timers?.get(timer.name) !== timer) return;
    timers.delete(timer.name);
    if (timers.size === 0) this.#byActor.delete(key);
  }
}
