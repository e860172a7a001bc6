/**
 * Duration and time text as Dapr users write it. Go's `time.Duration` form is used by component
 * metadata and init timeouts; actor timers and reminders add ISO 8601 durations and repetitions
 * and RFC 3339 timestamps, parsed into a `Schedule` in schedule.ts.
 */
export { parseGoDuration, formatGoDuration } from './go-duration.js';
export { parseIsoDuration, parseIsoCalendarDuration, addCalendarDuration, type CalendarDuration } from './iso-duration.js';
export { parseRfc3339, formatRfc3339, MIN_RFC3339_MS, MAX_RFC3339_MS } from './rfc3339.js';
export { ScheduleError, type ScheduleErrorCode, type ScheduleField } from './schedule-error.js';
export {
  parseDuration,
  parseDueTime,
  parsePeriod,
  parseTtl,
  parseSchedule,
  nextFire,
  formatSchedule,
  type Period,
  type Schedule,
  type ScheduleInput,
  type ScheduleText,
} from './schedule.js';
