/**
 * When a reminder fires next: after a fire (the catch-up policy) and after a failed attempt (the
 * retry backoff). Pure functions of the schedule and "now", so the policy is tested on its own.
 */
import { addCalendarDuration, MAX_RFC3339_MS, nextFire, type Schedule } from '../../durations/index.js';

/**
 * The next fire after the fire scheduled at `scheduledAt`, which was fire number `fired`; undefined
 * when the reminder is done (one-shot, repetitions used up, past its ttl).
 *
 * Catch-up: the cadence counts from the scheduled times (notes §3.3), but when the next one is
 * already past (the sidecar was down, or the fire itself took longer than a period) the missed
 * ones are skipped, not replayed: the reminder resumes at its first scheduled time from `now` on.
 * So an outage costs one late fire, never a flood. Skipped times do not count as fires: `R<n>/`
 * still delivers n fires (the ttl is what bounds a reminder in time).
 */
export function nextOccurrence(schedule: Schedule, scheduledAt: number, fired: number, now: number): number | undefined {
  const next = nextFire(schedule, scheduledAt, fired);
  if (next === undefined || next >= now || schedule.period === undefined) return next;
  const resumed = firstAtOrAfter(schedule, next, now);
  if (resumed > MAX_RFC3339_MS || (schedule.expiresAt !== undefined && resumed > schedule.expiresAt)) return undefined;
  return resumed;
}

/** The first time in the schedule's cadence through `from` that is at or after `now`. */
function firstAtOrAfter(schedule: Schedule, from: number, now: number): number {
  const { intervalMs, intervalMonths } = schedule.period!;
  if (intervalMonths === 0) return from + Math.ceil((now - from) / intervalMs) * intervalMs;
  // Calendar periods have no fixed length, so step; a month is at least 28 days, so this loop
  // runs at most once per month of downtime.
  let at = from;
  while (at < now && at <= MAX_RFC3339_MS) at = addCalendarDuration(at, { months: intervalMonths, ms: intervalMs });
  return at;
}

export interface RetryPolicy {
  /** Attempts at one fire, the first included, before it is given up. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * 1 s, 2 s, 4 s … capped at 60 s, 10 attempts: a fire that fails (the app errors, the actor's host
 * is unreachable) is retried for about five minutes before that fire is given up. Dapr's Scheduler
 * retries three times, one second apart.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, initialDelayMs: 1_000, maxDelayMs: 60_000 };

/** The wait before attempt `failures + 1`, after `failures` failed attempts (≥ 1). */
export function retryDelay(policy: RetryPolicy, failures: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(failures - 1, 30));
}
