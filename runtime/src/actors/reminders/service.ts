/**
 * Actor reminders as the API serves them: create, get, delete and list over a ReminderStorage
 * (the actor state store's), with Dapr's errors, plus the loop that fires them on the host that
 * owns each actor (scheduler.ts). The composition root builds one per sidecar.
 */
import { apiErrors } from '../../errors/index.js';
import { parseSchedule, ScheduleError } from '../../durations/index.js';
import { ReminderExistsError, type ReminderKey, type ReminderStorage } from '../../state/store.js';
import type { ActorRef } from '../keys.js';
import { DEFAULT_RETRY } from './cadence.js';
import { decodeRecord, encodeRecord, reminderView, type ReminderRecord, type ReminderView } from './record.js';
import { checkActor, checkReminderName, parseReminderRequest } from './request.js';
import { ReminderScheduler, type ReminderTuning, type SchedulerOptions } from './scheduler.js';

/** The scheduler's collaborators, and any tuning to change from the defaults. */
export interface ReminderServiceOptions extends Omit<SchedulerOptions, keyof ReminderTuning>, Partial<ReminderTuning> {}

export const DEFAULT_TUNING: ReminderTuning = { pollIntervalMs: 250, batchSize: 256, leaseMs: 60_000, maxInFlight: 1024, retry: DEFAULT_RETRY };

/** A reminder of a listed actor: Dapr's GET shape and its name. */
export interface ListedReminder extends ReminderView {
  readonly name: string;
}

/**
 * Error semantics: every method throws ApiError, in Dapr's catalogue: 400 for a bad body, name or
 * actor; 409 ERR_ACTOR_REMINDER_ALREADY_EXISTS; 404 ERR_ACTOR_REMINDER_NOT_FOUND (get);
 * 500 ERR_ACTOR_REMINDER_CREATE (an invalid schedule too, naming the field) / _GET / _DELETE.
 * Whether the sidecar hosts the type is the caller's check (the HTTP route answers 403).
 */
export interface ReminderService {
  /** `body` is the request's parsed JSON: `{dueTime?, period?, ttl?, data?, overwrite?}`. */
  create(actor: ActorRef, name: string, body: unknown): Promise<void>;
  get(actor: ActorRef, name: string): Promise<ReminderView>;
  /** Deleting a reminder that does not exist is fine, as in Dapr. */
  delete(actor: ActorRef, name: string): Promise<void>;
  list(actor: ActorRef): Promise<ListedReminder[]>;
  /** Starts the loop that fires due reminders. */
  start(): void;
  /** Fires everything due now, waiting for the fires; the number fired. For tests and tools. */
  runDue(): Promise<number>;
  /** Stops firing; fires in flight are aborted and handed back to the store, due at once. */
  close(): Promise<void>;
}

export function createReminderService(options: ReminderServiceOptions): ReminderService {
  const { storage, clock, appId } = options;
  const scheduler = new ReminderScheduler({ ...DEFAULT_TUNING, ...definedOnly(options) });
  const keyOf = (actor: ActorRef, name: string): ReminderKey => {
    checkActor(actor);
    checkReminderName(name);
    return { appId, actorType: actor.type, actorId: actor.id, name };
  };
  return {
    async create(actor, name, body) {
      const key = keyOf(actor, name);
      const { record, overwrite } = newRecord(body, clock.now());
      await storage.upsert({ key, dueAt: record.scheduledAt, value: encodeRecord(record) }, { overwrite }).catch((err: unknown) => {
        throw err instanceof ReminderExistsError ? apiErrors.actorReminderAlreadyExists(name) : apiErrors.actorReminderCreate(err);
      });
      scheduler.notify(record.scheduledAt);
    },
    async get(actor, name) {
      const stored = await storage.get(keyOf(actor, name)).catch((err: unknown) => {
        throw apiErrors.actorReminderGet(err);
      });
      if (!stored) throw apiErrors.actorReminderNotFound(name);
      return reminderView(actor, readRecord(stored.value, apiErrors.actorReminderGet));
    },
    async delete(actor, name) {
      await storage.delete(keyOf(actor, name)).catch((err: unknown) => {
        throw apiErrors.actorReminderDelete(err);
      });
    },
    async list(actor) {
      checkActor(actor);
      const stored = await storage.listByActor({ appId, actorType: actor.type }, actor.id).catch((err: unknown) => {
        throw apiErrors.actorReminderGet(err);
      });
      return stored.map((s) => ({ name: s.key.name, ...reminderView(actor, readRecord(s.value, apiErrors.actorReminderGet)) }));
    },
    start: () => scheduler.start(),
    runDue: () => scheduler.runDue(),
    close: () => scheduler.close(),
  };
}

/** Parses a create request into the record to store; a bad schedule is Dapr's 500 _CREATE. */
function newRecord(body: unknown, now: number): { record: ReminderRecord; overwrite: boolean } {
  const request = parseReminderRequest(body);
  let record: ReminderRecord;
  try {
    const schedule = parseSchedule(request.schedule, now);
    record = { schedule, scheduledAt: schedule.dueAt, fired: 0, attempts: 0, ...(request.hasData ? { data: request.data } : {}) };
  } catch (err) {
    if (err instanceof ScheduleError) throw apiErrors.actorReminderCreate(err);
    throw err;
  }
  return { record, overwrite: request.overwrite };
}

/** Options without the keys set to undefined, so they do not override the defaults. */
function definedOnly(options: ReminderServiceOptions): Omit<SchedulerOptions, keyof ReminderTuning> & Partial<ReminderTuning> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as ReminderServiceOptions;
}

function readRecord(value: Buffer, fail: (cause: unknown) => Error): ReminderRecord {
  try {
    return decodeRecord(value);
  } catch (err) {
    throw fail(err);
  }
}
