/**
 * RFC 3339 timestamps (`2026-01-02T03:04:05Z`, `…05.250+02:00`), the absolute form Dapr accepts for
 * a timer's or reminder's dueTime and ttl (reference notes §3.2; Go's `time.Parse(time.RFC3339)`).
 *
 * Like Go, the parser takes an optional fraction of a second and checks every field's range
 * (no 30 February, no second 60). JavaScript dates hold milliseconds, so finer digits are dropped.
 * Only years 0000–9999 exist in RFC 3339; instants outside that range cannot be formatted.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** The first and last instants an RFC 3339 timestamp can name (years 0000 and 9999). */
export const MIN_RFC3339_MS = Date.parse('0000-01-01T00:00:00.000Z');
export const MAX_RFC3339_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Parses an RFC 3339 timestamp into milliseconds since the epoch; undefined when it is not one. */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map(Number);
  const [, , , , , , , fraction, sign, offsetHours, offsetMinutes] = match;
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = offsetMinutesOf(sign, offsetHours, offsetMinutes);
  if (offset === undefined) return undefined;
  const millis = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  return utc(year, month, day) + ((hour * 60 + minute - offset) * 60 + second) * 1000 + millis;
}

/**
 * Formats an instant as RFC 3339 in UTC, with milliseconds only when there are some (as Go's
 * RFC3339Nano trims zeros), so `parseRfc3339(formatRfc3339(ms)) === ms`.
 */
export function formatRfc3339(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one.
  return day <= new Date(utc(year, month + 1, 0)).getUTCDate();
}

/** Milliseconds at midnight UTC; Date.UTC would read years 0–99 as 1900–1999. */
function utc(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function offsetMinutesOf(sign?: string, hours?: string, minutes?: string): number | undefined {
  if (sign === undefined) return 0; // Z
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 23 || m > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}
