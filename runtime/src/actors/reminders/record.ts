/**
 * What the reminder service keeps in a stored reminder's value (the storage never reads it), and
 * the two shapes Dapr shows of a reminder: the GET response and the app callback body. The
 * schedule is parsed once, at create, and kept parsed, so a restart never re-reads "5m" against
 * another "now".
 */
import { formatSchedule, type Schedule } from '../../durations/index.js';
import type { ActorRef } from '../keys.js';

/** Bumped if the encoding ever changes incompatibly; a reader refuses versions it does not know. */
const RECORD_VERSION = 1;

export interface ReminderRecord {
  readonly schedule: Schedule;
  /** The request's `data`, any JSON value; absent when the request had none. */
  readonly data?: unknown;
  /** When the pending fire is scheduled: the cadence and the catch-up count from it. */
  readonly scheduledAt: number;
  /** Fires done so far, for `R<n>/` repetitions. */
  readonly fired: number;
  /** Failed attempts at the pending fire, for the retry backoff. */
  readonly attempts: number;
}

/** Dapr's GET response (notes §3.4): empty strings and absent data are left out, as daprd does. */
export interface ReminderView {
  readonly actorID: string;
  readonly actorType: string;
  readonly data?: unknown;
  readonly dueTime?: string;
  readonly period?: string;
  readonly ttl?: string;
}

export function encodeRecord(record: ReminderRecord): Buffer {
  return Buffer.from(JSON.stringify({ v: RECORD_VERSION, ...record }));
}

/** Throws when the bytes are not a record this version wrote. */
export function decodeRecord(value: Buffer): ReminderRecord {
  const parsed = JSON.parse(value.toString('utf8')) as Partial<ReminderRecord> & { v?: unknown };
  const valid =
    parsed.v === RECORD_VERSION &&
    typeof parsed.schedule?.dueAt === 'number' &&
    typeof parsed.schedule.text?.dueTime === 'string' &&
    typeof parsed.scheduledAt === 'number' &&
    typeof parsed.fired === 'number' &&
    typeof parsed.attempts === 'number';
  if (!valid) throw new Error(`not a reminder record (version ${String(parsed.v)})`);
  const { v: _version, ...record } = parsed;
  return record as ReminderRecord;
}

export function reminderView(actor: ActorRef, record: ReminderRecord): ReminderView {
  const { dueTime, period, ttl } = formatSchedule(record.schedule);
  return {
    actorID: actor.id,
    actorType: actor.type,
    ...('data' in record ? { data: record.data } : {}),
    ...(dueTime ? { dueTime } : {}),
    ...(period ? { period } : {}),
    ...(ttl ? { ttl } : {}),
  };
}

/**
 * The body of `PUT /actors/{type}/{id}/method/remind/{name}` (notes §6). dueTime and period are
 * the caller's text, as Dapr's state-store reminders sent them; its Scheduler sends empty strings.
 */
export function callbackBody(record: ReminderRecord): Buffer {
  const { dueTime, period } = formatSchedule(record.schedule);
  return Buffer.from(JSON.stringify('data' in record ? { data: record.data, dueTime, period } : { dueTime, period }));
}
