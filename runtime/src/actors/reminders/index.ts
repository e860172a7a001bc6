/**
 * Durable actor reminders: stored in the actor state store (its optional `reminders` capability,
 * state/store.ts), one record per reminder with a due index per partition of the actor-id space,
 * fired at least once, on the host that owns the actor, by a loop that holds no reminders in
 * memory. docs/actors-reminders.md has the design; the HTTP routes are in
 * api/http/routes/actor-reminders.ts.
 */
export { createReminderService, DEFAULT_TUNING } from './service.js';
export type { ReminderService, ReminderServiceOptions, ListedReminder } from './service.js';
export type { FireReminder, FireOptions, FireResult, ReminderTuning } from './scheduler.js';
export type { ReminderView } from './record.js';
export { DEFAULT_RETRY, nextOccurrence, retryDelay } from './cadence.js';
export type { RetryPolicy } from './cadence.js';
