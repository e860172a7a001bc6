/**
 * The fires being delivered, each abandoned (no longer awaited) once it outlives its timeout or
 * the service closes, whether or not the `fire` function honours its signal: a hung app must not
 * pin a slot, nor keep a closing sidecar open. One sweep timer serves all of them rather than a
 * timer and an AbortController per fire, which dominated the cost at tens of thousands a second.
 * Timeouts are wall-clock, like the router's call deadlines, and enforced to within a sweep.
 */
interface Running {
  readonly startedAt: number;
  readonly abandon: (reason: Error) => void;
}

export class Deliveries {
  readonly #timeoutMs: number;
  readonly #running = new Set<Running>();
  readonly #closing = new AbortController();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Aborted by `abandonAll`; handed to every fire. */
  get signal(): AbortSignal {
    return this.#closing.signal;
  }

  /** Settles as `deliver()` does, or rejects when the delivery is abandoned first. */
  run<T>(deliver: () => Promise<T>): Promise<T> {
    if (this.#closing.signal.aborted) return Promise.reject(this.#closing.signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const running = { startedAt: Date.now(), abandon: reject };
      this.#running.add(running);
      this.#sweeper ??= this.#startSweeper();
      deliver()
        .then(resolve, reject)
        .finally(() => this.#running.delete(running));
    });
  }

  /** Abandons every delivery, now and from now on. */
  abandonAll(reason: Error): void {
    this.#closing.abort(reason);
    for (const running of this.#running) running.abandon(reason);
    this.#running.clear();
    this.#stopSweeper();
  }

  #startSweeper(): NodeJS.Timeout {
    const timer = setInterval(() => this.#sweep(), Math.max(10, Math.min(1_000, this.#timeoutMs / 4)));
    timer.unref();
    return timer;
  }

  #sweep(): void {
    const now = Date.now();
    for (const running of this.#running) {
      if (now - running.startedAt < this.#timeoutMs) continue;
      running.abandon(new Error(`the fire did not finish within ${this.#timeoutMs} ms`));
      this.#running.delete(running);
    }
    if (this.#running.size === 0) this.#stopSweeper();
  }

  #stopSweeper(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
