import type { Unsubscribe } from '../../pubsub/index.js';

interface Stoppable {
  stop(): Promise<void>;
}

/** The subscriptions a broker component runs, so that `close` stops every one still running. */
export class RunningSubscriptions<T extends Stoppable> {
  readonly #running = new Set<T>();

  /** Keeps a started subscription; the Unsubscribe stops it and lets it go. */
  track(subscription: T): Unsubscribe {
    this.#running.add(subscription);
    return async () => {
      this.#running.delete(subscription);
      await subscription.stop();
    };
  }

  async stopAll(): Promise<void> {
    const running = [...this.#running];
    this.#running.clear();
    await Promise.all(running.map((s) => s.stop()));
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.#running.values();
  }
}
