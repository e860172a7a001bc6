/**
 * The actors active in this app: one instance per (type, id) from its first turn until the
 * sidecar deactivates it. Each turn runs in the caller's call chain and through the
 * activation's state cache; which methods a caller may reach is decided here.
 */
import { Actor, type ReminderFire } from '../actors/actor.js';
import { runInChain } from '../actors/call-context.js';
import { StateCache } from '../actors/state.js';
import type { OutriggerClient } from '../client/client.js';

export type ActorClass<T extends Actor = Actor> = new (context: import('../actors/actor.js').ActorContext) => T;

/** A request the host cannot serve; answered with `status` and the error's name and message. */
export class ActorRequestError extends Error {
  constructor(
    override readonly name: 'ActorTypeNotFoundError' | 'ActorMethodNotFoundError' | 'ActorRequestError',
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface Activation {
  readonly actor: Actor;
  readonly state: StateCache;
  activated: Promise<void> | undefined;
}

/** What Actor itself defines: never callable from outside, even if a subclass overrides it. */
const NOT_CALLABLE = new Set(['constructor', ...Object.getOwnPropertyNames(Actor.prototype)]);

export class Activations {
  readonly #classes: ReadonlyMap<string, ActorClass>;
  readonly #active = new Map<string, Activation>();
  readonly #methods = new Map<ActorClass, ReadonlySet<string>>();

  constructor(
    classes: ReadonlyMap<string, ActorClass>,
    private readonly client: OutriggerClient,
  ) {
    this.#classes = classes;
  }

  /** How many actors are active right now. */
  get size(): number {
    return this.#active.size;
  }

  async invoke(type: string, id: string, method: string, args: readonly unknown[], reentrancyId: string | undefined): Promise<unknown> {
    const actorClass = this.#classOf(type);
    if (!this.#callable(actorClass).has(method)) throw new ActorRequestError('ActorMethodNotFoundError', `${type} has no method ${method}`, 404);
    return this.#turn(type, id, reentrancyId, (actor) => (actor as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args));
  }

  async fireTimer(type: string, id: string, callback: string, data: unknown, reentrancyId: string | undefined): Promise<void> {
    if (!this.#callable(this.#classOf(type)).has(callback)) throw new ActorRequestError('ActorMethodNotFoundError', `${type} has no method ${callback} for a timer to call`, 404);
    await this.#turn(type, id, reentrancyId, (actor) => (actor as unknown as Record<string, (d: unknown) => unknown>)[callback]!(data));
  }

  async fireReminder(type: string, id: string, name: string, data: unknown, fire: ReminderFire, reentrancyId: string | undefined): Promise<void> {
    this.#classOf(type);
    await this.#turn(type, id, reentrancyId, (actor) => actor.receiveReminder(name, data, fire));
  }

  /** Runs onDeactivate (if the actor is active here) and forgets the instance whatever it does. */
  async deactivate(type: string, id: string): Promise<void> {
    this.#classOf(type);
    const key = keyOf(type, id);
    const activation = this.#active.get(key);
    if (!activation) return;
    try {
      if (activation.activated) await activation.activated.then(() => activation.state.runTurn(async () => activation.actor.onDeactivate()));
    } finally {
      if (this.#active.get(key) === activation) this.#active.delete(key);
    }
  }

  async #turn(type: string, id: string, reentrancyId: string | undefined, body: (actor: Actor) => unknown): Promise<unknown> {
    const activation = this.#activation(type, id);
    return runInChain(reentrancyId, () =>
      activation.state.runTurn(async () => {
        await this.#activated(type, id, activation);
        return await body(activation.actor);
      }),
    );
  }

  #activation(type: string, id: string): Activation {
    const key = keyOf(type, id);
    let activation = this.#active.get(key);
    if (!activation) {
      const state = new StateCache({
        get: (stateKey) => this.client.actors.getState(type, id, stateKey),
        transaction: (operations) => this.client.actors.transaction(type, id, operations),
      });
      const ActorType = this.#classOf(type);
      activation = { actor: new ActorType({ type, id, client: this.client, state }), state, activated: undefined };
      this.#active.set(key, activation);
    }
    return activation;
  }

  /** onActivate runs once, in the first turn; if it throws, the next call activates afresh. */
  async #activated(type: string, id: string, activation: Activation): Promise<void> {
    activation.activated ??= Promise.resolve().then(() => activation.actor.onActivate());
    try {
      await activation.activated;
    } catch (err) {
      if (this.#active.get(keyOf(type, id)) === activation) this.#active.delete(keyOf(type, id));
      throw err;
    }
  }

  #classOf(type: string): ActorClass {
    const actorClass = this.#classes.get(type);
    if (!actorClass) throw new ActorRequestError('ActorTypeNotFoundError', `this app does not host actor type ${type}`, 404);
    return actorClass;
  }

  /** The methods a subclass defines between itself and Actor, cached per class. */
  #callable(actorClass: ActorClass): ReadonlySet<string> {
    let methods = this.#methods.get(actorClass);
    if (!methods) {
      const names = new Set<string>();
      for (let proto = actorClass.prototype as object; proto !== Actor.prototype && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object) {
        for (const name of Object.getOwnPropertyNames(proto)) {
          if (!NOT_CALLABLE.has(name) && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function') names.add(name);
        }
      }
      this.#methods.set(actorClass, (methods = names));
    }
    return methods;
  }
}

function keyOf(type: string, id: string): string {
  return `${type}\u0000${id}`;
}
