/**
 * The seam between the state building block and its components. A store sees keys that are
 * already prefixed and values that are already serialised: it stores bytes and enforces
 * etags, atomically. Everything Dapr-specific about requests lives in the state service.
 */
import { randomBytes } from 'node:crypto';

/** Features a store reports in `/v1.0/metadata` (Dapr's names). */
export type StateFeature = 'ETAG' | 'TRANSACTIONAL' | 'TTL';

export type Concurrency = 'first-write' | 'last-write';

export interface StoredItem {
  readonly value: Buffer;
  /** Opaque; changes on every write. */
  readonly etag: string;
  /** When the item expires (ms since epoch), if it has a TTL. */
  readonly expiresAt?: number;
}

export interface SetRequest {
  readonly key: string;
  readonly value: Buffer;
  /** When given, the write succeeds only if the stored etag equals it (unless `last-write`). */
  readonly etag?: string;
  /**
   * `first-write` without an etag: succeed only if the key does not exist.
   * `last-write`: ignore any etag. Absent: check the etag when one is given.
   */
  readonly concurrency?: Concurrency;
  /** Seconds until expiry; -1 for never; absent for the store's default (usually never). */
  readonly ttlSeconds?: number;
}

export interface DeleteRequest {
  readonly key: string;
  readonly etag?: string;
  readonly concurrency?: Concurrency;
}

export type TransactionOperation =
  | { readonly operation: 'upsert'; readonly request: SetRequest }
  | { readonly operation: 'delete'; readonly request: DeleteRequest };

/**
 * Error semantics, for every method:
 * - EtagMismatchError when an etag or first-write check fails; nothing is written;
 * - EtagInvalidError when the etag cannot be one of this store's etags; nothing is written;
 * - any other error is a store failure (unreachable, I/O); the caller may retry.
 */
export interface StateStore {
  readonly features: readonly StateFeature[];
  get(key: string): Promise<StoredItem | undefined>;
  set(request: SetRequest): Promise<void>;
  delete(request: DeleteRequest): Promise<void>;
  /** All operations or none: etags are checked for all before anything is written. */
  transact(operations: readonly TransactionOperation[]): Promise<void>;
  close(): Promise<void>;
  /**
   * Durable actor reminders, when the store can keep them (see `ReminderStorage`). Optional: a
   * store without it can still hold actor state, but the sidecar then serves no reminders.
   */
  readonly reminders?: ReminderStorage;
}

/** An etag or first-write check failed. */
export class EtagMismatchError extends Error {
  override readonly name = 'EtagMismatchError';
  constructor(readonly key: string) {
    super(`etag mismatch for key ${key}`);
  }
}

/** The etag given is not a value this store could have issued. */
export class EtagInvalidError extends Error {
  override readonly name = 'EtagInvalidError';
  constructor(readonly etag: string) {
    super(`invalid etag ${JSON.stringify(etag)}`);
  }
}

/** Whether a write must be checked, and against what. Shared by every store's check. */
export type WriteCondition =
  | { readonly kind: 'none' }
  | { readonly kind: 'etag'; readonly etag: string }
  | { readonly kind: 'absent' };

export function writeCondition(request: SetRequest | DeleteRequest, isSet: boolean): WriteCondition {
  if (request.concurrency === 'last-write') return { kind: 'none' };
  if (request.etag !== undefined && request.etag !== '') return { kind: 'etag', etag: request.etag };
  if (isSet && request.concurrency === 'first-write') return { kind: 'absent' };
  return { kind: 'none' };
}

/** Resolves a request's TTL against a store default; undefined means "never expires". */
export function effectiveTtlSeconds(request: SetRequest, defaultTtlSeconds?: number): number | undefined {
  const ttl = request.ttlSeconds ?? defaultTtlSeconds;
  return ttl === undefined || ttl <= 0 ? undefined : ttl;
}

/*
 * Actor reminders: the optional `ReminderStorage` capability.
 *
 * One record per reminder plus, per (app, actor type, partition), an index ordered by due time;
 * the reminder service (runtime/src/actors/reminders) does the rest. The store never reads the
 * record's value; it keeps, per reminder, the value bytes, the due time and a revision, and it
 * makes the four writes atomic: upsert, delete, claim (a compare-and-set on the due time) and
 * complete (a compare-and-set on the revision). docs/actors-reminders.md has the layout and why.
 */

/**
 * How many partitions the actor-id space of one type is cut into. Each has its own due index, so
 * no index grows with every reminder of a type (Redis sorted sets stay small enough to scan in
 * pages and to spread over a cluster; SQL reads one index range at a time), and pollers can work
 * through partitions independently. It is part of the stored layout: changing it would strand
 * every entry in an index nobody reads, so it is fixed for good.
 */
export const REMINDER_PARTITIONS = 64;

/** The partition of an actor: FNV-1a (32-bit) of its id's UTF-8 bytes, modulo REMINDER_PARTITIONS. */
export function reminderPartition(actorId: string): number {
  // Character codes are the UTF-8 bytes when all are ASCII, the usual case: no buffer to allocate.
  const ascii = /^[\x00-\x7f]*$/.test(actorId);
  const bytes = ascii ? undefined : Buffer.from(actorId, 'utf8');
  const length = bytes ? bytes.length : actorId.length;
  let hash = 0x811c9dc5;
  for (let i = 0; i < length; i++) {
    hash ^= bytes ? bytes[i]! : actorId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % REMINDER_PARTITIONS;
}

/** Reminders of one actor type of one app: the unit a due index belongs to. */
export interface ReminderScope {
  readonly appId: string;
  /** Must not contain `||` (the store's key separator), as for actor state. */
  readonly actorType: string;
}

/** One reminder. Unique per app, actor type, actor id and name. */
export interface ReminderKey extends ReminderScope {
  /** Must not contain `||`. */
  readonly actorId: string;
  readonly name: string;
}

/** A reminder as stored. */
export interface StoredReminder {
  readonly key: ReminderKey;
  /** When it is next due (ms since the epoch): its place in its partition's due index. */
  readonly dueAt: number;
  /** Opaque; changes on every write (upsert, claim, complete). What `complete` compares. */
  readonly revision: string;
  /** Opaque to the store: the reminder service's own encoding. */
  readonly value: Buffer;
}

/** An index entry that is due: just enough to decide whether to claim it. */
export interface DueReminder {
  readonly key: ReminderKey;
  readonly dueAt: number;
}

export interface DuePage {
  /** Entries due at `now`, earliest first (ties in a fixed order), at most `limit`. */
  readonly entries: readonly DueReminder[];
  /** The earliest due time after `now` in this partition; undefined when there is none. */
  readonly nextDueAt: number | undefined;
}

export interface DuePartitions {
  /** The partitions holding at least one entry due at `now`, in ascending order. */
  readonly partitions: readonly number[];
  /**
   * A hint for sleeping: no partition missing from `partitions` has an entry due before this
   * (an earlier value is allowed). Undefined when no such partition has any entry.
   */
  readonly nextDueAt: number | undefined;
}

/** Claim a due entry: only if its due time is still the one read, so one claimer wins. */
export interface ReminderClaim {
  readonly key: ReminderKey;
  readonly dueAt: number;
}

/** What a won claim hands over: the value to act on and the revision to complete with. */
export interface ClaimedReminder {
  readonly revision: string;
  readonly value: Buffer;
}

/** After a fire: reschedule (new due time and value) or, without `next`, delete. */
export interface ReminderCompletion {
  readonly key: ReminderKey;
  /** The revision the claim returned; a reminder written since (overwritten, deleted) is left alone. */
  readonly revision: string;
  readonly next?: { readonly dueAt: number; readonly value: Buffer } | undefined;
}

/**
 * The capability a state store offers to hold actor reminders. Error semantics: ReminderExistsError
 * from `upsert` with `overwrite: false`; any other error is a store failure the caller may retry.
 * Every method is atomic on its own; the batch methods (`claim`, `complete`) are atomic per item.
 */
export interface ReminderStorage {
  /** Creates or replaces a reminder (new revision). `overwrite: false` keeps an existing one and throws. */
  upsert(reminder: Omit<StoredReminder, 'revision'>, options: { readonly overwrite: boolean }): Promise<void>;
  get(key: ReminderKey): Promise<StoredReminder | undefined>;
  /** True when there was one to delete. */
  delete(key: ReminderKey): Promise<boolean>;
  /** Every reminder of one actor, by name. */
  listByActor(scope: ReminderScope, actorId: string): Promise<StoredReminder[]>;
  /** Which partitions of a type have something due: the cheap question a poller asks first. */
  duePartitions(scope: ReminderScope, now: number): Promise<DuePartitions>;
  /** A page of the entries of one partition due at `now` (`dueAt <= now`), earliest first. */
  fetchDue(scope: ReminderScope, partition: number, now: number, limit: number, offset?: number): Promise<DuePage>;
  /**
   * For each claim whose reminder is still due at the claim's `dueAt`, moves it to `leaseUntil`
   * (a new revision) and returns it; undefined for the others (gone, rescheduled, claimed already).
   */
  claim(claims: readonly ReminderClaim[], leaseUntil: number): Promise<(ClaimedReminder | undefined)[]>;
  /** For each completion whose reminder still has its revision: reschedule or delete. True where applied. */
  complete(completions: readonly ReminderCompletion[]): Promise<boolean[]>;
}

/** `upsert` with `overwrite: false` found a reminder of that name. */
export class ReminderExistsError extends Error {
  override readonly name = 'ReminderExistsError';
  constructor(readonly key: ReminderKey) {
    super(`reminder ${key.name} of ${key.actorType}/${key.actorId} already exists`);
  }
}

const REVISION_PREFIX = randomBytes(8).toString('base64url');
let revisionCounter = 0;

/**
 * A revision no other write anywhere has had: a random prefix per process and a counter, so it
 * never repeats after a delete and re-create (which would let a stale completion through).
 * Base64url and digits only, so stores may use `|` and `:` as separators around it.
 */
export function newReminderRevision(): string {
  revisionCounter++;
  return `${REVISION_PREFIX}${revisionCounter.toString(36)}`;
}
