/**
 * The actors active in this sidecar: one turn lock each, when each last ran, and their
 * deactivation — on idle, on rebalance, on shutdown. An actor being deactivated keeps its entry
 * until the app has acknowledged, and a new activation of it waits for that, so the app never
 * sees two activations of one actor at once.
 */
import type { Clock } from '../../clock/index.js';
import { apiErrors } from '../../errors/index.js';
import type { Logger } from '../../logging/index.js';
import type { ActorTypeSettings } from '../config/index.js';
import { keyOf, type ActorRef } from '../keys.js';
import { createTurnLock, type TurnLock, type WaitForGraph } from '../lock/index.js';
import type { ActorTarget } from '../target/index.js';

export interface ActiveActor {
  readonly ref: ActorRef;
  readonly key: string;
  readonly lock: TurnLock;
  readonly settings: ActorTypeSettings;
  /** Clock ms of the last turn's start or end; idle time counts from here. */
  lastActiveAt: number;
}

export interface ActorTableOptions {
  readonly target: ActorTarget;
  readonly clock: Clock;
  readonly graph: WaitForGraph;
  readonly logger: Logger;
  /** How often idle actors are looked for. */
  readonly idleScanIntervalMs?: number;
  /** Told of every activation. */
  readonly onActivated?: (actor: ActiveActor) => void;
  /** Told of every deactivation, once the actor no longer takes calls (its timers stop). */
  readonly onDeactivated?: (actor: ActiveActor, reason: string) => void;
}

export class ActorTable {
  readonly #active = new Map<string, ActiveActor>();
  readonly #leaving = new Map<string, Promise<void>>();
  #types = new Map<string, ActorTypeSettings>();
  readonly #scan: NodeJS.Timeout;
  #closed = false;

  constructor(private readonly options: ActorTableOptions) {
    this.#scan = setInterval(() => void this.deactivateIdle(), options.idleScanIntervalMs ?? 1000);
    this.#scan.unref();
  }

  /** The types this sidecar hosts and their settings, from the app's configuration. */
  setTypes(types: ReadonlyMap<string, ActorTypeSettings>): void {
    this.#types = new Map(types);
  }

  hosts(type: string): boolean {
    return this.#types.has(type);
  }

  hostedTypes(): string[] {
    return [...this.#types.keys()].sort();
  }

  get(ref: ActorRef): ActiveActor | undefined {
    return this.#active.get(keyOf(ref.type, ref.id));
  }

  /** The active actor, activating it (after any deactivation of it still under way). */
  async activate(ref: ActorRef): Promise<ActiveActor> {
    const key = keyOf(ref.type, ref.id);
    for (;;) {
      const active = this.#active.get(key);
      if (active) return active;
      const leaving = this.#leaving.get(key);
      if (!leaving) break;
      await leaving;
    }
    const settings = this.#types.get(ref.type);
    if (this.#closed) throw apiErrors.actorRuntimeClosed();
    if (!settings) throw apiErrors.actorTypeNotHosted(ref.type);
    const lock = createTurnLock({ key, reentrancy: settings.reentrancy, graph: this.options.graph, clock: this.options.clock });
    const actor: ActiveActor = { ref, key, lock, settings, lastActiveAt: this.options.clock.now() };
    this.#active.set(key, actor);
    this.options.onActivated?.(actor);
    return actor;
  }

  touch(actor: ActiveActor): void {
    actor.lastActiveAt = this.options.clock.now();
  }

  /** Actors with no turn held or queued whose idle timeout has passed. */
  async deactivateIdle(): Promise<void> {
    const now = this.options.clock.now();
    const idle = [...this.#active.values()].filter(
      (a) => !a.lock.held && a.lock.queueLength === 0 && now - a.lastActiveAt >= a.settings.idleTimeoutMs,
    );
    await Promise.all(idle.map((a) => this.deactivate(a, 'idle', 0)));
  }

  /**
   * Stops admitting calls to the actor, lets its in-flight turns finish for up to `drainMs`,
   * then tells the app. Calls refused meanwhile get a retryable ActorClosedError.
   */
  deactivate(actor: ActiveActor, reason: string, drainMs: number): Promise<void> {
    const pending = this.#leaving.get(actor.key);
    if (pending) return pending;
    const leaving = this.#leave(actor, reason, drainMs).finally(() => this.#leaving.delete(actor.key));
    this.#leaving.set(actor.key, leaving);
    return leaving;
  }

  /** Deactivates every active actor `which` selects, in parallel, each with its type's drain settings. */
  async deactivateWhere(which: (actor: ActiveActor) => boolean, reason: string): Promise<number> {
    const leaving = [...this.#active.values()].filter(which);
    await Promise.all(leaving.map((a) => this.deactivate(a, reason, a.settings.drainRebalancedActors ? a.settings.drainOngoingCallTimeoutMs : 0)));
    return leaving.length;
  }

  activeCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const actor of this.#active.values()) counts.set(actor.ref.type, (counts.get(actor.ref.type) ?? 0) + 1);
    return counts;
  }

  /** Calls waiting for a turn, per actor type. */
  queuedCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const actor of this.#active.values()) counts.set(actor.ref.type, (counts.get(actor.ref.type) ?? 0) + actor.lock.queueLength);
    return counts;
  }

  /** For shutdown: deactivates everything and refuses new activations. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#scan);
    await this.deactivateWhere(() => true, 'shutdown');
  }

  async #leave(actor: ActiveActor, reason: string, drainMs: number): Promise<void> {
    if (drainMs > 0) await Promise.race([actor.lock.drained(), delay(drainMs)]);
    actor.lock.close(reason);
    this.#active.delete(actor.key);
    this.options.onDeactivated?.(actor, reason);
    try {
      await this.options.target.deactivate(actor.ref);
    } catch (err) {
      this.options.logger.warn({ actor: `${actor.ref.type}/${actor.ref.id}`, reason, err: (err as Error).message }, 'the app did not acknowledge a deactivation');
    }
    this.options.logger.debug({ actor: `${actor.ref.type}/${actor.ref.id}`, reason }, 'actor deactivated');
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
