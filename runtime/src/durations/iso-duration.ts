/**
 * ISO 8601 durations (`PT1M`, `P1DT2H`, `P2WT1M`) as Dapr accepts them for actor timers and
 * reminders (reference notes §3.2, from `[dapr/kit time/time.go]`).
 *
 * Years and months have no fixed length, so a duration is kept in two parts: calendar months and
 * exact milliseconds. Dapr applies Y/M/D with Go's `AddDate` (§3.2); `addCalendarDuration` does
 * the same in UTC, where a day is always 24 h, so days and weeks fold into the exact part.
 *
 * Where we differ from Dapr's parser, on purpose:
 * - Designators are case-insensitive. The Dapr JS SDK lower-cases durations and strips only `pt`,
 *   so `P1D` arrives as `p1d` and `P1DT2H` as `p1dt2h` (§3.2, dapr-node-sdk-wire.md). Dapr rejects
 *   those; we accept them, since Dapr's own SDK produces them.
 * - The seconds part may have a decimal fraction (`PT0.5S`, ISO 8601 allows it on the smallest
 *   part). Dapr takes integers only (§3.2); the SDK sends `p1dt1.5s` for 1 day 1.5 s.
 * - We are stricter where Dapr's hand-written scanner is loose: parts must come in ISO order, at
 *   least one must be present (`P`/`PT` alone are refused), numbers are plain digits (Dapr's
 *   `strconv.Atoi` lets `PT-5S` through) and nothing may trail the last designator.
 */

/** A duration split into calendar months (years × 12 + months) and exact milliseconds. */
export interface CalendarDuration {
  readonly months: number;
  readonly ms: number;
}

const DAY_MS = 86_400_000;

const ISO_DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Parses `PnYnMnWnDTnHnMnS` (any subset, in that order). Undefined when the text is not one. */
export function parseIsoCalendarDuration(text: string): CalendarDuration | undefined {
  const match = ISO_DURATION.exec(text);
  // The regex makes every part optional, so `P` alone matches; ISO needs at least one part.
  if (!match || match.slice(1).every((part) => part === undefined)) return undefined;
  const [years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const ms = (weeks * 7 + days) * DAY_MS + hours * 3_600_000 + minutes * 60_000 + Math.round(seconds * 1000);
  return { months: years * 12 + months, ms };
}

/**
 * Parses an ISO 8601 duration into milliseconds. Undefined when the text is not one, and also
 * when it has a year or month part: those have no fixed length (use `addCalendarDuration`).
 */
export function parseIsoDuration(text: string): number | undefined {
  const duration = parseIsoCalendarDuration(text);
  return duration && duration.months === 0 ? duration.ms : undefined;
}

/**
 * Adds a duration to an instant the way Go's `t.AddDate(y, m, d).Add(dur)` does in UTC: the month
 * moves first and an overflowing day rolls into the next month (31 Jan + P1M = 2 or 3 Mar).
 */
export function addCalendarDuration(at: number, duration: CalendarDuration): number {
  if (duration.months === 0) return at + duration.ms;
  const date = new Date(at);
  date.setUTCMonth(date.getUTCMonth() + duration.months);
  return date.getTime() + duration.ms;
}
