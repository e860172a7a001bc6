/**
 * When an actor timer or reminder fires: its `dueTime`, `period` and `ttl` strings (notes §3.1)
 * parsed once, here, into absolute instants, plus the pure step function that says when it fires
 * next. Timers and reminders share it so they agree on every edge case. Nothing here reads the
 * clock: every function that needs "now" takes it, in milliseconds since the epoch.
 *
 * Formats (notes §3.2, `[dapr/kit time/time.go]`, `[d:pkg/actors/api/period.go]`):
 * - dueTime, ttl: a Go duration (`1m30s`, negative allowed), an ISO 8601 duration (`PT1M30S`,
 *   `P1D`, no `R`) or an RFC 3339 timestamp. dueTime counts from now; ttl from the due time.
 * - period: a Go duration, an ISO 8601 duration, or `R<n>/<ISO 8601 duration>` for n fires.
 *
 * Where Dapr is loose, inconsistent between its timer and Scheduler paths, or simply wrong, we
 * choose, and say so at the rule. In short: lenient on spelling (the JS SDK's `p1d`, `PT0.5S`,
 * `R/PT1S`), strict on meaning (no negative periods, no `R0` or `R-1/`), calendar arithmetic in UTC.
 */
import { parseGoDuration } from './go-duration.js';
import { addCalendarDuration, parseIsoCalendarDuration, parseIsoDuration, type CalendarDuration } from './iso-duration.js';
import { formatRfc3339, MAX_RFC3339_MS, MIN_RFC3339_MS, parseRfc3339 } from './rfc3339.js';
import { ScheduleError, type ScheduleErrorCode, type ScheduleField } from './schedule-error.js';

/** How a timer or reminder repeats. Parsers return it only when the schedule does repeat. */
export interface Period {
  /** Exact part of the interval in ms: W, D, H, M, S of an ISO duration, or a Go duration. */
  readonly intervalMs: number;
  /** Calendar part (years × 12 + months), stepped like Go's `AddDate` in UTC; usually 0. */
  readonly intervalMonths: number;
  /** Total number of fires from `R<n>/`; undefined repeats until the ttl or a delete. */
  readonly repetitions: number | undefined;
}

/** The strings as the caller sent them; echoed back, never re-derived (see `formatSchedule`). */
export interface ScheduleText {
  readonly dueTime: string;
  readonly period: string;
  readonly ttl: string;
}

/** A parsed timer or reminder schedule. All instants are ms since the epoch. */
export interface Schedule {
  /** When the first fire is due. */
  readonly dueAt: number;
  /** Undefined when it fires once. */
  readonly period: Period | undefined;
  /** No fire is due after this instant (a fire exactly at it still happens). */
  readonly expiresAt: number | undefined;
  readonly text: ScheduleText;
}

/** The body fields of a timer or reminder request (notes §3.1). Null and missing mean empty. */
export interface ScheduleInput {
  readonly dueTime?: string | null;
  readonly period?: string | null;
  readonly ttl?: string | null;
}

const POINT_IN_TIME_FORMATS = 'expected a Go duration (1m30s), an ISO 8601 duration (PT1M30S) or an RFC 3339 timestamp';
const PERIOD_FORMATS = 'expected a Go duration (10s), an ISO 8601 duration (PT10S) or R<n>/<ISO 8601 duration> (R5/PT10S)';

/**
 * Parses a Go or ISO 8601 duration into milliseconds; undefined when it is neither, or when it
 * has a year or month part (those have no fixed length). ISO is tried first, as Dapr does.
 */
export function parseDuration(text: string): number | undefined {
  return parseIsoDuration(text) ?? parseGoDuration(text);
}

/**
 * When the first fire is due: `now` for an empty dueTime (notes §3.2: "fires immediately"), now
 * plus a duration, or an RFC 3339 instant. A past instant or negative duration is accepted and
 * simply means "due now", as in Dapr. Dapr's Scheduler (reminders since 1.15) differs: without a
 * dueTime a repeating reminder first fires one period after creation, and one with no dueTime and
 * no period is refused (`[go-etcd-cron scheduler/builder.go, repeats.go]`). We follow §3.2 and the
 * timer path for both, so timers and reminders agree. Nor do we truncate "now" to whole seconds.
 */
export function parseDueTime(text: string, now: number): number {
  return text === '' ? now : parsePointInTime('dueTime', 'SCHEDULE_INVALID_DUE_TIME', text, now);
}

/**
 * Parses a period. Undefined means the schedule fires once: for an empty period, and for a zero
 * interval (`0s`, `PT0S`, `R5`), which Dapr's timers treat as "no repeats" (`HasRepeats` in
 * `[d:pkg/actors/api/period.go]`). Dapr's Scheduler instead turns a zero interval into one fire
 * per millisecond (`[dapr/kit cron/constantdelay.go]`); we do not copy that.
 */
export function parsePeriod(text: string): Period | undefined {
  if (text === '') return undefined;
  const repeating = splitRepetitions(text);
  const interval = repeating ? parseIsoInterval(text, repeating.rest) : parseBareInterval(text);
  if (interval.ms < 0) throw periodError(text, 'must not be negative');
  if (interval.months === 0 && interval.ms === 0) return undefined;
  // Like Dapr's Scheduler (`cron.Every`), whole milliseconds only, and at least one.
  const intervalMs = interval.ms === 0 ? 0 : Math.max(1, Math.floor(interval.ms));
  if (!Number.isSafeInteger(intervalMs) || !Number.isSafeInteger(interval.months)) {
    throw periodError(text, 'is out of range');
  }
  return { intervalMs, intervalMonths: interval.months, repetitions: repeating?.repetitions };
}

/**
 * When the schedule expires, or undefined without a ttl. A duration counts from the due time, not
 * from now, and a ttl that ends before now or before the due time is refused (notes §3.2,
 * `setReminderTimes` in `[d:pkg/actors/api/reminders.go]`). A ttl equal to the due time is
 * allowed and leaves exactly one fire, as on Dapr's Scheduler (`[go-etcd-cron scheduler/repeats.go]`).
 */
export function parseTtl(text: string, now: number, dueAt: number): number | undefined {
  if (text === '') return undefined;
  const expiresAt = parsePointInTime('ttl', 'SCHEDULE_INVALID_TTL', text, dueAt);
  const [limit, what] = expiresAt < now ? [now, 'now'] : [dueAt, 'the due time'];
  if (expiresAt < limit) {
    const reason = `has already expired: it ends at ${formatRfc3339(expiresAt)}, before ${what} (${formatRfc3339(limit)})`;
    throw new ScheduleError('SCHEDULE_TTL_EXPIRED', 'ttl', text, reason);
  }
  return expiresAt;
}

/** Parses a whole request in Dapr's order (dueTime, period, ttl), so the first fault is reported. */
export function parseSchedule(input: ScheduleInput, now: number): Schedule {
  const text = { dueTime: input.dueTime ?? '', period: input.period ?? '', ttl: input.ttl ?? '' };
  const dueAt = parseDueTime(text.dueTime, now);
  const period = parsePeriod(text.period);
  const expiresAt = parseTtl(text.ttl, now, dueAt);
  return { dueAt, period, expiresAt, text };
}

/**
 * When the schedule fires next, or undefined when it is done (fired once without a period, ran out
 * of repetitions, or passed its ttl). `previousFireAt` is when the previous fire was *scheduled*,
 * not when its callback ran, and undefined before the first fire; `firedCount` counts the fires so
 * far. Steps from the scheduled time keep the cadence (notes §3.3: next = previous scheduled time +
 * period); a result in the past means "fire now", which is how a late callback catches up.
 */
export function nextFire(
  schedule: Schedule,
  previousFireAt: number | undefined,
  firedCount: number,
): number | undefined {
  const { period, expiresAt } = schedule;
  if (firedCount >= fireLimit(period)) return undefined;
  const next =
    previousFireAt === undefined || period === undefined
      ? schedule.dueAt
      : addCalendarDuration(previousFireAt, { months: period.intervalMonths, ms: period.intervalMs });
  // Inclusive, as the Scheduler's `next.After(exp)` check is: a fire exactly at the ttl happens.
  if ((expiresAt !== undefined && next > expiresAt) || !(next <= MAX_RFC3339_MS)) return undefined;
  return next;
}

/**
 * The dueTime, period and ttl strings for Dapr's GET reminder response
 * (`{actorID, actorType, data, dueTime, period, ttl}`, notes §3.4) and the timer callback body
 * (notes §6). dueTime and period are echoed as given; ttl is the absolute expiry in RFC 3339, as
 * Dapr reports it, or '' without one. Dapr ≥1.15 rewrites period to `@every 10s`, losing `R<n>/`
 * and calendar parts, a pain point in notes §7.4; the caller's own text round-trips through any SDK.
 */
export function formatSchedule(schedule: Schedule): ScheduleText {
  const ttl = schedule.expiresAt === undefined ? '' : formatRfc3339(schedule.expiresAt);
  return { dueTime: schedule.text.dueTime, period: schedule.text.period, ttl };
}

function fireLimit(period: Period | undefined): number {
  if (period === undefined) return 1;
  return period.repetitions ?? Number.POSITIVE_INFINITY;
}

/** A dueTime or ttl: a duration added to `base` (calendar parts in UTC) or an RFC 3339 instant. */
function parsePointInTime(field: ScheduleField, code: ScheduleErrorCode, text: string, base: number): number {
  // kit's ParseTime refuses `R<n>/` here with "repetitions are not allowed"; say why it failed.
  if (/^r/i.test(text)) throw new ScheduleError(code, field, text, 'repetitions (R<n>/) are only allowed in period');
  const at = offsetFrom(base, text) ?? parseRfc3339(text);
  if (at === undefined) throw new ScheduleError(code, field, text, POINT_IN_TIME_FORMATS);
  // Round sub-millisecond Go durations up: a schedule never fires early (notes §3.4).
  const rounded = Math.ceil(at);
  if (!(rounded >= MIN_RFC3339_MS && rounded <= MAX_RFC3339_MS)) {
    throw new ScheduleError(code, field, text, 'is out of range (years 0000 to 9999)');
  }
  return rounded;
}

function offsetFrom(base: number, text: string): number | undefined {
  const calendar = parseIsoCalendarDuration(text);
  if (calendar) return addCalendarDuration(base, calendar);
  const ms = parseGoDuration(text);
  return ms === undefined ? undefined : base + ms;
}

/**
 * Splits `R<n>/<duration>`. `R0` is refused as Dapr's timers refuse it ("has zero repetitions",
 * period.go); its Scheduler would silently repeat forever. A bare `R/` is ISO 8601 for "unbounded"
 * and accepted, though Dapr refuses it. `R5` alone is accepted, as Dapr does: a zero interval.
 */
function splitRepetitions(text: string): { repetitions: number | undefined; rest: string } | undefined {
  if (!/^r/i.test(text)) return undefined;
  const slash = text.indexOf('/');
  const count = text.slice(1, slash === -1 ? undefined : slash);
  const rest = slash === -1 ? '' : text.slice(slash + 1);
  if (count === '' && rest === '') throw periodError(text, 'R needs a count, a duration or both (R5/PT10S)');
  if (count === '') return { repetitions: undefined, rest };
  const repetitions = Number(count);
  if (!/^\d+$/.test(count) || !Number.isSafeInteger(repetitions)) {
    throw periodError(text, 'the repetition count must be a whole number (R5/PT10S)');
  }
  if (repetitions === 0) throw periodError(text, 'has zero repetitions');
  return { repetitions, rest };
}

/** After `R<n>/` only an ISO 8601 duration may follow, as in Dapr; none at all is a zero interval. */
function parseIsoInterval(text: string, rest: string): CalendarDuration {
  if (rest === '') return { months: 0, ms: 0 };
  const iso = parseIsoCalendarDuration(rest);
  if (!iso) throw periodError(text, PERIOD_FORMATS);
  return iso;
}

function parseBareInterval(text: string): CalendarDuration {
  const iso = parseIsoCalendarDuration(text);
  if (iso) return iso;
  const ms = parseGoDuration(text);
  if (ms === undefined) throw periodError(text, PERIOD_FORMATS);
  return { months: 0, ms };
}

function periodError(text: string, reason: string): ScheduleError {
  return new ScheduleError('SCHEDULE_INVALID_PERIOD', 'period', text, reason);
}
