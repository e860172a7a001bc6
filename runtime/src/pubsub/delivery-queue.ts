/**
 * A queue that runs at most `maxInFlight` items at once, in arrival order; with 1 it keeps a
 * topic's order. Components use it between the broker's callbacks and the message handler.
 */
export class DeliveryQueue<T> {
  #items: T[] = [];
  /** Index of the next item: shift() is linear, and a burst can queue tens of thousands. */
  #head = 0;
  #active = 0;
  #stopped = false;

  constructor(
    private readonly maxInFlight: number,
    private readonly run: (item: T) => Promise<void>,
  ) {}

  push(item: T): void {
    if (this.#stopped) return;
    this.#items.push(item);
    this.#pump();
  }

  /** Items waiting or running. */
  get size(): number {
    return this.#items.length - this.#head + this.#active;
  }

  /**
   * Drops what waits; what runs is left to finish on its own, so a handler that hangs cannot
   * hold up a shutdown (its message is not acknowledged, and the broker delivers it again).
   */
  stop(): T[] {
    this.#stopped = true;
    const dropped = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return dropped;
  }

  #pump(): void {
    while (this.#active < this.maxInFlight && this.#head < this.#items.length) {
      const item = this.#items[this.#head++]!;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      this.#active++;
      void this.run(item)
        .catch(() => undefined)
        .finally(() => {
          this.#active--;
          if (!this.#stopped) this.#pump();
        });
    }
  }
}
