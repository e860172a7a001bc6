/**
 * The ReminderStorage of `state.sqlite`: a `<table>_reminders` table in the store's file, one row
 * per reminder, with an index on (app, type, partition, due time) that is each partition's due
 * index, and one on (app, type, due time) for "which partitions have something due". Batches run
 * in one `BEGIN IMMEDIATE` transaction, so another process sharing the file cannot slip a write
 * between a compare and its set.
 */
import type Database from 'better-sqlite3';
import {
  ReminderExistsError,
  newReminderRevision,
  reminderPartition,
  type ClaimedReminder,
  type DuePage,
  type DuePartitions,
  type ReminderClaim,
  type ReminderCompletion,
  type ReminderKey,
  type ReminderScope,
  type ReminderStorage,
  type StoredReminder,
} from '../../state/store.js';

type Statement<P extends unknown[], R = unknown> = Database.Statement<P, R>;
type KeyParams = [appId: string, actorType: string, actorId: string, name: string];

interface Row {
  readonly actor_id: string;
  readonly name: string;
  readonly due_at: number;
  readonly revision: string;
  readonly value: Buffer;
}

const KEY = 'app_id = ? AND actor_type = ? AND actor_id = ? AND name = ?';

/** Creates the table and its indexes if missing; `table` is already a safe identifier. */
export function createReminderTable(db: Database.Database, table: string): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (
       app_id TEXT NOT NULL,
       actor_type TEXT NOT NULL,
       actor_id TEXT NOT NULL,
       name TEXT NOT NULL,
       part INTEGER NOT NULL,
       due_at INTEGER NOT NULL,
       revision TEXT NOT NULL,
       value BLOB NOT NULL,
       PRIMARY KEY (app_id, actor_type, actor_id, name)
     );
     CREATE INDEX IF NOT EXISTS ${table}_due ON ${table} (app_id, actor_type, part, due_at, actor_id, name);
     CREATE INDEX IF NOT EXISTS ${table}_type_due ON ${table} (app_id, actor_type, due_at);`,
  );
}

const keyParams = (key: ReminderKey): KeyParams => [key.appId, key.actorType, key.actorId, key.name];

export class SqliteReminderStorage implements ReminderStorage {
  readonly #insert: Statement<[...KeyParams, number, number, string, Buffer]>;
  readonly #replace: Statement<[...KeyParams, number, number, string, Buffer]>;
  readonly #select: Statement<KeyParams, Row>;
  readonly #remove: Statement<KeyParams>;
  readonly #selectActor: Statement<[string, string, string], Row>;
  readonly #duePartitions: Statement<[string, string, number], number>;
  readonly #nextAfter: Statement<[string, string, number], number | null>;
  readonly #fetchDue: Statement<[string, string, number, number, number, number], Row>;
  readonly #partitionNextAfter: Statement<[string, string, number, number], number | null>;
  readonly #claimOne: Statement<[number, string, ...KeyParams, number], Row>;
  readonly #reschedule: Statement<[number, string, Buffer, ...KeyParams, string]>;
  readonly #removeIf: Statement<[...KeyParams, string]>;
  readonly #claim: (claims: readonly ReminderClaim[], leaseUntil: number) => (ClaimedReminder | undefined)[];
  readonly #complete: (completions: readonly ReminderCompletion[]) => boolean[];

  /** `table` must exist (`createReminderTable`) and be a safe identifier. */
  constructor(db: Database.Database, table: string) {
    const columns = `(app_id, actor_type, actor_id, name, part, due_at, revision, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
    this.#insert = db.prepare(`INSERT INTO ${table} ${columns} ON CONFLICT DO NOTHING`);
    this.#replace = db.prepare(
      `INSERT INTO ${table} ${columns} ON CONFLICT DO UPDATE SET
         due_at = excluded.due_at, revision = excluded.revision, value = excluded.value`,
    );
    this.#select = db.prepare(`SELECT actor_id, name, due_at, revision, value FROM ${table} WHERE ${KEY}`);
    this.#remove = db.prepare(`DELETE FROM ${table} WHERE ${KEY}`);
    this.#selectActor = db.prepare(
      `SELECT actor_id, name, due_at, revision, value FROM ${table} WHERE app_id = ? AND actor_type = ? AND actor_id = ? ORDER BY name`,
    );
    const inType = `app_id = ? AND actor_type = ?`;
    this.#duePartitions = db.prepare<[string, string, number], number>(`SELECT DISTINCT part FROM ${table} WHERE ${inType} AND due_at <= ? ORDER BY part`).pluck();
    this.#nextAfter = db.prepare<[string, string, number], number | null>(`SELECT MIN(due_at) FROM ${table} WHERE ${inType} AND due_at > ?`).pluck();
    this.#fetchDue = db.prepare(
      `SELECT actor_id, name, due_at FROM ${table} WHERE ${inType} AND part = ? AND due_at <= ?
       ORDER BY due_at, actor_id, name LIMIT ? OFFSET ?`,
    );
    this.#partitionNextAfter = db
      .prepare<[string, string, number, number], number | null>(`SELECT MIN(due_at) FROM ${table} WHERE ${inType} AND part = ? AND due_at > ?`)
      .pluck();
    this.#claimOne = db.prepare(`UPDATE ${table} SET due_at = ?, revision = ? WHERE ${KEY} AND due_at = ? RETURNING revision, value`);
    this.#reschedule = db.prepare(`UPDATE ${table} SET due_at = ?, revision = ?, value = ? WHERE ${KEY} AND revision = ?`);
    this.#removeIf = db.prepare(`DELETE FROM ${table} WHERE ${KEY} AND revision = ?`);
    const claim = db.transaction((claims: readonly ReminderClaim[], leaseUntil: number) => claims.map((c) => this.#claimRow(c, leaseUntil)));
    this.#claim = (claims, leaseUntil) => claim.immediate(claims, leaseUntil);
    const complete = db.transaction((completions: readonly ReminderCompletion[]) => completions.map((c) => this.#completeRow(c)));
    this.#complete = (completions) => complete.immediate(completions);
  }

  async upsert(reminder: Omit<StoredReminder, 'revision'>, options: { readonly overwrite: boolean }): Promise<void> {
    const { key, dueAt, value } = reminder;
    const statement = options.overwrite ? this.#replace : this.#insert;
    const { changes } = statement.run(...keyParams(key), reminderPartition(key.actorId), dueAt, newReminderRevision(), value);
    if (changes === 0) throw new ReminderExistsError(key);
  }

  async get(key: ReminderKey): Promise<StoredReminder | undefined> {
    const row = this.#select.get(...keyParams(key));
    return row && stored(key, row);
  }

  async delete(key: ReminderKey): Promise<boolean> {
    return this.#remove.run(...keyParams(key)).changes > 0;
  }

  async listByActor(scope: ReminderScope, actorId: string): Promise<StoredReminder[]> {
    return this.#selectActor.all(scope.appId, scope.actorType, actorId).map((row) => stored({ ...scopeOf(scope), actorId, name: row.name }, row));
  }

  async duePartitions(scope: ReminderScope, now: number): Promise<DuePartitions> {
    const partitions = this.#duePartitions.all(scope.appId, scope.actorType, now);
    // The earliest after now over all partitions: earlier than the contract asks, which it allows.
    return { partitions, nextDueAt: this.#nextAfter.get(scope.appId, scope.actorType, now) ?? undefined };
  }

  async fetchDue(scope: ReminderScope, partition: number, now: number, limit: number, offset = 0): Promise<DuePage> {
    const rows = this.#fetchDue.all(scope.appId, scope.actorType, partition, now, limit, offset);
    const entries = rows.map((row) => ({ key: { ...scopeOf(scope), actorId: row.actor_id, name: row.name }, dueAt: row.due_at }));
    return { entries, nextDueAt: this.#partitionNextAfter.get(scope.appId, scope.actorType, partition, now) ?? undefined };
  }

  async claim(claims: readonly ReminderClaim[], leaseUntil: number): Promise<(ClaimedReminder | undefined)[]> {
    return claims.length === 0 ? [] : this.#claim(claims, leaseUntil);
  }

  async complete(completions: readonly ReminderCompletion[]): Promise<boolean[]> {
    return completions.length === 0 ? [] : this.#complete(completions);
  }

  #claimRow(claim: ReminderClaim, leaseUntil: number): ClaimedReminder | undefined {
    const row = this.#claimOne.get(leaseUntil, newReminderRevision(), ...keyParams(claim.key), claim.dueAt);
    return row && { revision: row.revision, value: row.value };
  }

  #completeRow(completion: ReminderCompletion): boolean {
    const { key, revision, next } = completion;
    const result = next
      ? this.#reschedule.run(next.dueAt, newReminderRevision(), next.value, ...keyParams(key), revision)
      : this.#removeIf.run(...keyParams(key), revision);
    return result.changes > 0;
  }
}

const scopeOf = (scope: ReminderScope): ReminderScope => ({ appId: scope.appId, actorType: scope.actorType });

function stored(key: ReminderKey, row: Row): StoredReminder {
  return { key: { appId: key.appId, actorType: key.actorType, actorId: key.actorId, name: key.name }, dueAt: row.due_at, revision: row.revision, value: row.value };
}
