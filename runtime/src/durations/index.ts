/**
 * Duration text as Dapr users write it. Go's `time.Duration` form is used by component
 * metadata and init timeouts; actor timers and reminders will add ISO 8601 here.
 */
export { parseGoDuration, formatGoDuration } from './go-duration.js';
