import type { PlacementLogger } from '../options.js';

/**
 * A single owner for a piece of state: callers only `enqueue` events, and `handle` runs them
 * one at a time, in order. An event enqueued while another is being handled (a handler that
 * closes a connection, whose close is reported back) waits its turn instead of re-entering,
 * so a handler always sees the state its predecessor left.
 */
export abstract class EventLoop<E extends { readonly kind: string }> {
  readonly #queue: E[] = [];
  #draining = false;

  constructor(protected readonly logger: PlacementLogger) {}

  enqueue(event: E): void {
    this.#queue.push(event);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) this.#handleSafely(next);
    } finally {
      this.#draining = false;
    }
  }

  protected abstract handle(event: E): void;

  /** A bug in one handler must not take the whole placement down with it; it is logged loudly. */
  #handleSafely(event: E): void {
    try {
      this.handle(event);
    } catch (err) {
      this.logger.error({ err, event: event.kind }, 'placement event handler failed');
    }
  }
}

export function assertNever(value: never): never {
  throw new Error(`unhandled event ${JSON.stringify(value)}`);
}
