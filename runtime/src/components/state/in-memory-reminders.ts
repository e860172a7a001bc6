/**
 * The ReminderStorage of `state.in-memory`: a Map of records plus, per app, actor type and
 * partition, an array kept sorted by (due time, actor id, name). Every method runs synchronously
 * to completion, so each compare-and-set is atomic without locks. Like the store, it is lost on
 * restart and shared with nobody.
 */
import {
  REMINDER_PARTITIONS,
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

interface IndexEntry {
  readonly dueAt: number;
  readonly actorId: string;
  readonly name: string;
}

/** One partition's due index: entries sorted by due time, then actor id, then name. */
class SortedIndex {
  readonly #entries: IndexEntry[] = [];

  insert(entry: IndexEntry): void {
    this.#entries.splice(this.#lowerBound(entry), 0, entry);
  }

  remove(entry: IndexEntry): void {
    const at = this.#lowerBound(entry);
    const found = this.#entries[at];
    if (found && compare(found, entry) === 0) this.#entries.splice(at, 1);
  }

  /** Entries due at `now`, from `offset`, at most `limit`. */
  due(now: number, limit: number, offset: number): IndexEntry[] {
    const end = this.#firstAfter(now);
    return this.#entries.slice(Math.min(offset, end), Math.min(offset + limit, end));
  }

  hasDue(now: number): boolean {
    const head = this.#entries[0];
    return head !== undefined && head.dueAt <= now;
  }

  nextAfter(now: number): number | undefined {
    return this.#entries[this.#firstAfter(now)]?.dueAt;
  }

  get size(): number {
    return this.#entries.length;
  }

  #firstAfter(now: number): number {
    return this.#search((e) => e.dueAt > now);
  }

  #lowerBound(entry: IndexEntry): number {
    return this.#search((e) => compare(e, entry) >= 0);
  }

  /** The first index whose entry satisfies `atOrAfter` (a predicate monotone over the order). */
  #search(atOrAfter: (entry: IndexEntry) => boolean): number {
    let low = 0;
    let high = this.#entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (atOrAfter(this.#entries[mid]!)) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

function compare(a: IndexEntry, b: IndexEntry): number {
  if (a.dueAt !== b.dueAt) return a.dueAt - b.dueAt;
  if (a.actorId !== b.actorId) return a.actorId < b.actorId ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

interface Row {
  readonly key: ReminderKey;
  readonly dueAt: number;
  readonly revision: string;
  readonly value: Buffer;
}

const scopeKey = (scope: ReminderScope) => `${scope.appId}||${scope.actorType}`;
const actorKey = (scope: ReminderScope, actorId: string) => `${scopeKey(scope)}||${actorId}`;
const rowKey = (key: ReminderKey) => `${actorKey(key, key.actorId)}||${key.name}`;

export class InMemoryReminderStorage implements ReminderStorage {
  readonly #rows = new Map<string, Row>();
  /** Names per actor, for `listByActor` without a scan. */
  readonly #byActor = new Map<string, Set<string>>();
  readonly #indexes = new Map<string, SortedIndex[]>();

  async upsert(reminder: Omit<StoredReminder, 'revision'>, options: { readonly overwrite: boolean }): Promise<void> {
    const existing = this.#row(reminder.key);
    if (existing && !options.overwrite) throw new ReminderExistsError(reminder.key);
    const { appId, actorType, actorId, name } = reminder.key;
    this.#write({ key: { appId, actorType, actorId, name }, dueAt: reminder.dueAt, value: Buffer.from(reminder.value), revision: newReminderRevision() });
  }

  async get(key: ReminderKey): Promise<StoredReminder | undefined> {
    const row = this.#row(key);
    return row && copy(row);
  }

  async delete(key: ReminderKey): Promise<boolean> {
    const row = this.#row(key);
    if (row) this.#remove(row);
    return row !== undefined;
  }

  async listByActor(scope: ReminderScope, actorId: string): Promise<StoredReminder[]> {
    const names = [...(this.#byActor.get(actorKey(scope, actorId)) ?? [])].sort();
    return names.map((name) => copy(this.#row({ ...scope, actorId, name })!));
  }

  async duePartitions(scope: ReminderScope, now: number): Promise<DuePartitions> {
    const partitions: number[] = [];
    let nextDueAt: number | undefined;
    (this.#indexes.get(scopeKey(scope)) ?? []).forEach((index, partition) => {
      if (index.hasDue(now)) partitions.push(partition);
      else nextDueAt = earliest(nextDueAt, index.nextAfter(now));
    });
    return { partitions, nextDueAt };
  }

  async fetchDue(scope: ReminderScope, partition: number, now: number, limit: number, offset = 0): Promise<DuePage> {
    const index = this.#indexes.get(scopeKey(scope))?.[partition];
    if (!index) return { entries: [], nextDueAt: undefined };
    const entries = index.due(now, limit, offset).map((e) => ({ key: { ...scope, actorId: e.actorId, name: e.name }, dueAt: e.dueAt }));
    return { entries, nextDueAt: index.nextAfter(now) };
  }

  async claim(claims: readonly ReminderClaim[], leaseUntil: number): Promise<(ClaimedReminder | undefined)[]> {
    return claims.map((claim) => {
      const row = this.#row(claim.key);
      if (!row || row.dueAt !== claim.dueAt) return undefined;
      const claimed = { ...row, dueAt: leaseUntil, revision: newReminderRevision() };
      this.#write(claimed);
      return { revision: claimed.revision, value: Buffer.from(claimed.value) };
    });
  }

  async complete(completions: readonly ReminderCompletion[]): Promise<boolean[]> {
    return completions.map((completion) => {
      const row = this.#row(completion.key);
      if (!row || row.revision !== completion.revision) return false;
      if (!completion.next) this.#remove(row);
      else this.#write({ key: row.key, dueAt: completion.next.dueAt, value: Buffer.from(completion.next.value), revision: newReminderRevision() });
      return true;
    });
  }

  /** Index entries held, for tests and diagnostics; not part of ReminderStorage. */
  indexedEntries(): number {
    let total = 0;
    for (const partitions of this.#indexes.values()) for (const index of partitions) total += index.size;
    return total;
  }

  #row(key: ReminderKey): Row | undefined {
    return this.#rows.get(rowKey(key));
  }

  #write(row: Row): void {
    const previous = this.#row(row.key);
    if (previous) this.#indexOf(previous.key).remove(indexEntry(previous));
    this.#rows.set(rowKey(row.key), row);
    this.#indexOf(row.key).insert(indexEntry(row));
    const actor = actorKey(row.key, row.key.actorId);
    this.#byActor.set(actor, (this.#byActor.get(actor) ?? new Set<string>()).add(row.key.name));
  }

  #remove(row: Row): void {
    this.#indexOf(row.key).remove(indexEntry(row));
    this.#rows.delete(rowKey(row.key));
    const actor = actorKey(row.key, row.key.actorId);
    const names = this.#byActor.get(actor);
    names?.delete(row.key.name);
    if (names?.size === 0) this.#byActor.delete(actor);
  }

  #indexOf(key: ReminderKey): SortedIndex {
    let partitions = this.#indexes.get(scopeKey(key));
    if (!partitions) this.#indexes.set(scopeKey(key), (partitions = Array.from({ length: REMINDER_PARTITIONS }, () => new SortedIndex())));
    return partitions[reminderPartition(key.actorId)]!;
  }
}

function indexEntry(row: Row): IndexEntry {
  return { dueAt: row.dueAt, actorId: row.key.actorId, name: row.key.name };
}

/** A copy, so a caller that mutates the buffer cannot change what is stored. */
function copy(row: Row): StoredReminder {
  return { key: { ...row.key }, dueAt: row.dueAt, revision: row.revision, value: Buffer.from(row.value) };
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}
