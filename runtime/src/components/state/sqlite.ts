/**
 * `state.sqlite` (alias `state.sqlite3`): one table in a SQLite file, through better-sqlite3.
 * better-sqlite3 is synchronous, so each method runs to completion before another starts in this
 * process; `BEGIN IMMEDIATE` takes the write lock up front, so several processes sharing the file
 * cannot interleave a check and a write either. Actor reminders: sqlite-reminders.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../clock/index.js';
import type { Logger } from '../../logging/index.js';
import {
  EtagMismatchError,
  effectiveTtlSeconds,
  writeCondition,
  type DeleteRequest,
  type SetRequest,
  type StateFeature,
  type StateStore,
  type StoredItem,
  type TransactionOperation,
  type WriteCondition,
} from '../../state/index.js';
import { ComponentMetadataError } from '../errors.js';
import type { ComponentMetadata } from '../metadata.js';
import type { ComponentDefinition } from '../registry.js';
import { createReminderTable, SqliteReminderStorage } from './sqlite-reminders.js';

interface SqliteOptions {
  readonly path: string;
  readonly tableName: string;
  readonly busyTimeoutMs: number;
  readonly wal: boolean;
  readonly cleanupIntervalMs: number;
}

interface Row {
  readonly value: Buffer;
  readonly etag: string;
  readonly expires_at: number | null;
}

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;

class SqliteStateStore implements StateStore {
  readonly features: readonly StateFeature[] = ['ETAG', 'TRANSACTIONAL', 'TTL'];
  /** Actor reminders, in `<tableName>_reminders` of the same file (sqlite-reminders.ts). */
  readonly reminders: SqliteReminderStorage;
  readonly #db: Database.Database;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #cleaner: NodeJS.Timeout | undefined;
  readonly #select: Statement<[string, number], Row>;
  readonly #selectEtag: Statement<[string, number], string>;
  readonly #upsert: Statement<[string, Buffer, string, number | null, number]>;
  readonly #remove: Statement<[string]>;
  readonly #removeExpired: Statement<[number]>;
  readonly #transact: (operations: readonly TransactionOperation[]) => void;

  constructor(options: SqliteOptions, clock: Clock, logger: Logger) {
    this.#clock = clock;
    this.#logger = logger;
    this.#db = openDatabase(options);
    try {
      const table = options.tableName;
      // Expired rows stay until the cleanup runs, so every read filters on expiry.
      const live = `key = ? AND (expires_at IS NULL OR expires_at > ?)`;
      this.#select = this.#db.prepare(`SELECT value, etag, expires_at FROM ${table} WHERE ${live}`);
      this.#selectEtag = this.#db.prepare<[string, number], string>(`SELECT etag FROM ${table} WHERE ${live}`).pluck();
      this.#upsert = this.#db.prepare(
        `INSERT INTO ${table} (key, value, etag, expires_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag,
           expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      );
      this.#remove = this.#db.prepare(`DELETE FROM ${table} WHERE key = ?`);
      this.#removeExpired = this.#db.prepare(`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ?`);
      const transact = this.#db.transaction((operations: readonly TransactionOperation[]) => this.#apply(operations));
      this.#transact = (operations) => transact.immediate(operations);
      createReminderTable(this.#db, `${table}_reminders`);
      this.reminders = new SqliteReminderStorage(this.#db, `${table}_reminders`);
    } catch (err) {
      this.#db.close();
      throw err;
    }
    if (options.cleanupIntervalMs > 0) {
      this.#cleaner = setInterval(() => this.#cleanup(), options.cleanupIntervalMs);
      this.#cleaner.unref();
    }
  }

  async get(key: string): Promise<StoredItem | undefined> {
    const row = this.#select.get(key, this.#clock.now());
    if (!row) return undefined;
    const item = { value: row.value, etag: row.etag };
    return row.expires_at === null ? item : { ...item, expiresAt: row.expires_at };
  }

  async set(request: SetRequest): Promise<void> {
    this.#transact([{ operation: 'upsert', request }]);
  }

  async delete(request: DeleteRequest): Promise<void> {
    this.#transact([{ operation: 'delete', request }]);
  }

  /**
   * Every condition is checked against the state before the transaction, then the operations
   * apply in order (a later operation on the same key wins). A failed check throws inside the
   * SQLite transaction, which rolls back, though nothing has been written by then anyway.
   */
  async transact(operations: readonly TransactionOperation[]): Promise<void> {
    if (operations.length > 0) this.#transact(operations);
  }

  async close(): Promise<void> {
    clearInterval(this.#cleaner);
    if (this.#db.open) this.#db.close();
  }

  #apply(operations: readonly TransactionOperation[]): void {
    const now = this.#clock.now();
    for (const op of operations) this.#check(op.request.key, writeCondition(op.request, op.operation === 'upsert'), now);
    for (const op of operations) {
      if (op.operation === 'upsert') this.#write(op.request, now);
      else this.#remove.run(op.request.key);
    }
  }

  #check(key: string, condition: WriteCondition, now: number): void {
    if (condition.kind === 'none') return;
    const etag = this.#selectEtag.get(key, now);
    if (condition.kind === 'etag' && etag !== condition.etag) throw new EtagMismatchError(key);
    if (condition.kind === 'absent' && etag !== undefined) throw new EtagMismatchError(key);
  }

  #write(request: SetRequest, now: number): void {
    const ttl = effectiveTtlSeconds(request);
    const expiresAt = ttl === undefined ? null : now + Math.round(ttl * 1000);
    this.#upsert.run(request.key, request.value, randomUUID(), expiresAt, now);
  }

  #cleanup(): void {
    // A busy file (another process holding the write lock past busyTimeout) waits for the next round.
    try {
      this.#removeExpired.run(this.#clock.now());
    } catch (err) {
      this.#logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'sqlite state cleanup failed; will retry');
    }
  }
}

function openDatabase(options: SqliteOptions): Database.Database {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path, { timeout: options.busyTimeoutMs });
  try {
    if (options.wal) db.pragma('journal_mode = WAL');
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${options.tableName} (
         key TEXT PRIMARY KEY NOT NULL,
         value BLOB NOT NULL,
         etag TEXT NOT NULL,
         expires_at INTEGER,
         updated_at INTEGER
       );
       CREATE INDEX IF NOT EXISTS ${options.tableName}_expires_at ON ${options.tableName} (expires_at);`,
    );
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The table name is spliced into SQL, so only plain identifiers are allowed. */
const SAFE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A path, `:memory:`, or Dapr's URI forms (`file:data.db?…`, `file::memory:?cache=shared`). */
function databasePath(connectionString: string): string {
  if (!connectionString.startsWith('file:')) return connectionString;
  const path = connectionString.slice('file:'.length).split('?')[0] ?? '';
  if (path === '' || path === ':memory:') return ':memory:';
  return path;
}

function parseOptions(metadata: ComponentMetadata): SqliteOptions {
  const tableName = metadata.string('tableName') ?? 'state';
  if (!SAFE_IDENTIFIER.test(tableName)) {
    throw new ComponentMetadataError('tableName', `must be letters, digits and underscores, not starting with a digit, got "${tableName}"`);
  }
  return {
    path: databasePath(metadata.required('connectionString')),
    tableName,
    busyTimeoutMs: metadata.durationMs('busyTimeout', 2_000),
    wal: !metadata.bool('disableWAL', false),
    cleanupIntervalMs: metadata.durationMs('cleanupInterval', 3_600_000),
  };
}

export const sqliteStateStore: ComponentDefinition<'state'> = {
  category: 'state',
  type: 'state.sqlite',
  aliases: ['state.sqlite3'],
  versions: ['v1'],
  async create(metadata, context) {
    return new SqliteStateStore(parseOptions(metadata), context.clock, context.logger);
  },
};
