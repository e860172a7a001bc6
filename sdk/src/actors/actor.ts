/**
 * The base class of every actor. A subclass's own methods are what callers can invoke; the
 * host creates one instance per activation and runs one turn at a time on it (the sidecar
 * sees to that). State, timers and reminders go through the sidecar hosting the actor.
 */
import type { OutriggerClient } from '../client/client.js';
import type { ReminderOptions, TimerOptions } from '../client/actors.js';
import { createActorProxy, type ActorProxy } from './proxy.js';
import type { ActorState } from './state.js';

/** What the host gives an actor when it activates it; a subclass's constructor passes it on. */
export interface ActorContext {
  readonly type: string;
  readonly id: string;
  /** The client of the sidecar that hosts the actor. */
  readonly client: OutriggerClient;
  readonly state: ActorState;
}

/** The schedule of a reminder fire, as the sidecar reports it. */
export interface ReminderFire {
  readonly dueTime?: string;
  readonly period?: string;
}

export abstract class Actor {
  readonly type: string;
  readonly id: string;
  /** This actor's state, saved when the turn ends (see ActorState). */
  readonly state: ActorState;
  readonly #client: OutriggerClient;

  constructor(context: ActorContext) {
    this.type = context.type;
    this.id = context.id;
    this.state = context.state;
    this.#client = context.client;
  }

  /** Runs before the first turn of an activation, inside that turn. */
  onActivate(): void | Promise<void> {}

  /** Runs when the sidecar deactivates the actor (idle, moved, shutting down), in a turn of its own. */
  onDeactivate(): void | Promise<void> {}

  /** Called for each fire of a reminder this actor registered. */
  receiveReminder(name: string, _data: unknown, _fire: ReminderFire): void | Promise<void> {
    throw new Error(`${this.type} received reminder ${name} but does not override receiveReminder`);
  }

  /**
   * A proxy of another actor (or of this one). Calls made during a turn carry the turn's call
   * chain, so with reentrancy enabled a chain that comes back here re-enters.
   */
  actor<T>(type: string, id: string): ActorProxy<T> {
    return createActorProxy<T>(this.#client.actors, type, id);
  }

  /** Starts (or replaces) timer `name`, which calls method `options.callback` with `options.data`. */
  async registerTimer(name: string, options: TimerOptions): Promise<void> {
    if (typeof (this as unknown as Record<string, unknown>)[options.callback] !== 'function') {
      throw new TypeError(`timer ${name}: ${this.type} has no method ${options.callback}`);
    }
    await this.#client.actors.registerTimer(this.type, this.id, name, options);
  }

  async unregisterTimer(name: string): Promise<void> {
    await this.#client.actors.unregisterTimer(this.type, this.id, name);
  }

  /** Starts (or replaces) reminder `name`: persisted, it outlives the activation and the host. */
  async registerReminder(name: string, options: ReminderOptions): Promise<void> {
    await this.#client.actors.registerReminder(this.type, this.id, name, options);
  }

  async unregisterReminder(name: string): Promise<void> {
    await this.#client.actors.unregisterReminder(this.type, this.id, name);
  }
}
