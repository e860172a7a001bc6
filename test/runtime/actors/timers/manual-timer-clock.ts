/**
 * A TimerClock for tests: time moves only in `advance`, which runs each wake-up at its own
 * instant, in order, and lets promise chains settle after each, as if the time had really passed.
 */
import type { TimerClock, TimerHandle } from '../../../../runtime/src/actors/timers/index.js';

interface Pending {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class ManualTimerClock implements TimerClock {
  #now: number;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  /** Every delay asked of setTimeout, in order. */
  readonly requestedDelays: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.requestedDelays.push(ms);
    this.#pending.set(id, { id, at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#pending.delete(handle as number);
  }

  /** Wake-ups still armed. */
  get pending(): number {
    return this.#pending.size;
  }

  /** A promise that resolves `ms` of this clock's time from now (for slow fake callbacks). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await settle();
      const next = this.#earliestBy(target);
      if (!next) break;
      this.#pending.delete(next.id);
      this.#now = next.at;
      next.fn();
    }
    this.#now = target;
    await settle();
  }

  #earliestBy(limit: number): Pending | undefined {
    let earliest: Pending | undefined;
    for (const p of this.#pending.values()) {
      if (p.at <= limit && (!earliest || p.at < earliest.at || (p.at === earliest.at && p.id < earliest.id))) earliest = p;
    }
    return earliest;
  }
}

/** Lets every queued promise callback run (setImmediate comes after the microtask queue). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
