/** Durations as the SDK takes them (milliseconds, or any string the sidecar parses) and as they travel. */

/** Milliseconds, or a string the sidecar reads: a Go duration (`1m30s`), ISO 8601 (`PT1M`), `R5/PT10S`. */
export type Duration = number | string;

/** A Go duration string for the wire; numbers are milliseconds. */
export function toWireDuration(duration: Duration, field: string): string {
  if (typeof duration === 'string') {
    if (duration.trim() === '') throw new TypeError(`${field} must not be empty`);
    return duration;
  }
  if (!Number.isFinite(duration) || duration < 0) throw new RangeError(`${field} must be a non-negative number of milliseconds, got ${duration}`);
  return `${Math.round(duration)}ms`;
}
