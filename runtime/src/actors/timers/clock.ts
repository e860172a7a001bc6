/**
 * The clock timers run on: "now" plus one-shot wake-ups. Each timer is armed for its exact due
 * instant (no polling loop), so the runtime needs real setTimeout and tests need a clock that
 * runs the wake-ups when it is moved forward.
 */
import type { Clock } from '../../clock/index.js';

/** Whatever `setTimeout` returned; only ever handed back to `clearTimeout`. */
export type TimerHandle = unknown;

export interface TimerClock extends Clock {
  /** Runs `fn` once, `ms` from now. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Node runs a setTimeout longer than this at once (with a warning), so longer waits are armed
 * in steps of at most this much.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Wall time and Node's timers; unref'd, since a pending actor timer should not keep the process up. */
export const systemTimerClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
