/**
 * One armed timer. It sleeps until its next scheduled instant (one setTimeout for that exact
 * instant, no polling), fires, and steps to the next instant from the *scheduled* one, not from
 * when the callback finished, so the cadence holds (notes §3.3, §7.6). It is re-armed only once a
 * fire has settled, so fires of one timer never overlap; a fire that ran past later slots is
 * followed by one catch-up fire for the latest of them, never by a burst of one per missed slot.
 */
import { nextFire, type Schedule } from '../../durations/index.js';
import type { Logger } from '../../logging/index.js';
import type { ActorRef } from '../keys.js';
import { MAX_TIMEOUT_MS, type TimerClock, type TimerHandle } from './clock.js';
import type { TimerSpec } from './spec.js';
import type { TimerState } from './state.js';

/** Delivers one fire to the actor (through its turn, wherever it lives); rejects if that failed. */
export type FireTimer = (actor: ActorRef, name: string, payload: Buffer) => Promise<void>;

export interface TimerContext {
  readonly clock: TimerClock;
  readonly fire: FireTimer;
  readonly logger: Logger;
  /** Called once the timer has nothing more due (repetitions or ttl used up). */
  readonly onDone: (timer: Timer) => void;
}

/** Where a timer is in its schedule. */
export interface TimerProgress {
  /** The next fire's scheduled instant; undefined when nothing more is due. */
  readonly nextDueAt: number | undefined;
  readonly firedCount: number;
}

export class Timer {
  #nextDueAt: number | undefined;
  #firedCount: number;
  #handle: TimerHandle | undefined;
  #stopped = false;

  constructor(
    readonly actor: ActorRef,
    readonly name: string,
    readonly spec: TimerSpec,
    progress: TimerProgress,
    private readonly context: TimerContext,
  ) {
    this.#nextDueAt = progress.nextDueAt;
    this.#firedCount = progress.firedCount;
  }

  /** A new timer's progress: nothing fired, the first fire at the schedule's due time. */
  static fresh(spec: TimerSpec): TimerProgress {
    return { nextDueAt: nextFire(spec.schedule, undefined, 0), firedCount: 0 };
  }

  start(): void {
    this.#arm();
  }

  /** No further fire; one already running finishes, but nothing is armed after it. */
  stop(): void {
    this.#stopped = true;
    if (this.#handle !== undefined) this.context.clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  /** The full state, for a hand-off or a look; undefined once nothing more is due. */
  state(): TimerState | undefined {
    if (this.#nextDueAt === undefined) return undefined;
    const { schedule, callback, data } = this.spec;
    return {
      name: this.name,
      text: schedule.text,
      dueAt: schedule.dueAt,
      expiresAt: schedule.expiresAt,
      nextDueAt: this.#nextDueAt,
      firedCount: this.#firedCount,
      callback,
      data,
    };
  }

  #arm(): void {
    if (this.#stopped) return;
    const due = this.#nextDueAt;
    if (due === undefined) return this.context.onDone(this);
    const wait = Math.min(Math.max(0, due - this.context.clock.now()), MAX_TIMEOUT_MS);
    this.#handle = this.context.clock.setTimeout(() => this.#wake(due), wait);
  }

  #wake(due: number): void {
    this.#handle = undefined;
    if (this.#stopped) return;
    // A wait beyond MAX_TIMEOUT_MS is armed in steps, and a host timer may wake a little early:
    // either way, sleep again rather than fire before the due time.
    if (this.context.clock.now() < due) return this.#arm();
    void this.#fire(this.#latestSlot(due));
  }

  async #fire(slot: number): Promise<void> {
    this.#firedCount++;
    // Counted and stepped before the callback runs, so a hand-off meanwhile carries the next slot.
    this.#nextDueAt = nextFire(this.spec.schedule, slot, this.#firedCount);
    try {
      await this.context.fire(this.actor, this.name, this.spec.payload);
    } catch (err) {
      // Errors do not stop a timer (Dapr since 1.15.x, #8549): log, and keep the schedule.
      this.context.logger.warn(
        { actor: `${this.actor.type}/${this.actor.id}`, timer: this.name, err: (err as Error).message },
        'actor timer callback failed; the timer keeps running',
      );
    }
    // Armed only now, so fires of one timer never overlap; a next slot already past fires at once.
    this.#arm();
  }

  /**
   * The slot a late wake fires for: the latest one not after now. After a fire that outlasted
   * later slots (or a hand-off that took a while) this makes exactly one catch-up fire, then the
   * timer is back on its grid. Skipped slots are not counted: an `R<n>/` timer still delivers n.
   */
  #latestSlot(due: number): number {
    const now = this.context.clock.now();
    const latest = latestSlotBy(this.spec.schedule, due, this.#firedCount, now);
    if (latest !== due) {
      this.context.logger.debug({ actor: `${this.actor.type}/${this.actor.id}`, timer: this.name, lateMs: now - due }, 'actor timer skipped missed slots');
    }
    return latest;
  }
}

/** The latest slot at or before `now`, stepping from `slot` (itself at or before `now`). */
function latestSlotBy(schedule: Schedule, slot: number, firedCount: number, now: number): number {
  const { period, expiresAt } = schedule;
  if (period === undefined) return slot;
  if (period.intervalMonths === 0) {
    // A fixed interval steps by arithmetic: a long stall of a 1 ms timer must not loop per slot.
    const limit = Math.min(now, expiresAt ?? now);
    return slot + Math.floor((limit - slot) / period.intervalMs) * period.intervalMs;
  }
  // Calendar periods (months, years) step like Go's AddDate; a stall spans only a few of them.
  for (let next = nextFire(schedule, slot, firedCount); next !== undefined && next <= now; next = nextFire(schedule, slot, firedCount)) {
    slot = next;
  }
  return slot;
}
