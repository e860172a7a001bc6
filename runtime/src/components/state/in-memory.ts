/**
 * `state.in-memory`: a Map in this process, lost on restart and shared with nobody. Every
 * method runs synchronously to completion, so checks and writes are atomic without locks.
 * Actor reminders live beside it (in-memory-reminders.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock/index.js';
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
import type { ComponentDefinition } from '../registry.js';
import { InMemoryReminderStorage } from './in-memory-reminders.js';

interface Entry {
  readonly value: Buffer;
  readonly etag: string;
  readonly expiresAt: number | undefined;
}

class InMemoryStateStore implements StateStore {
  readonly features: readonly StateFeature[] = ['ETAG', 'TRANSACTIONAL', 'TTL'];
  readonly #entries = new Map<string, Entry>();
  /** Actor reminders, kept apart from the entries: they have their own index and no TTL. */
  readonly reminders = new InMemoryReminderStorage();
  readonly #clock: Clock;
  readonly #sweeper: NodeJS.Timeout | undefined;

  constructor(clock: Clock, sweepIntervalMs: number) {
    this.#clock = clock;
    if (sweepIntervalMs > 0) {
      // Reads already hide expired entries; the sweep only bounds memory held by keys nobody reads again.
      this.#sweeper = setInterval(() => this.#sweep(), sweepIntervalMs);
      this.#sweeper.unref();
    }
  }

  async get(key: string): Promise<StoredItem | undefined> {
    const entry = this.#live(key);
    if (!entry) return undefined;
    // A copy, so a caller that mutates the buffer cannot change what is stored.
    const item = { value: Buffer.from(entry.value), etag: entry.etag };
    return entry.expiresAt === undefined ? item : { ...item, expiresAt: entry.expiresAt };
  }

  async set(request: SetRequest): Promise<void> {
    this.#check(request.key, writeCondition(request, true));
    this.#write(request);
  }

  async delete(request: DeleteRequest): Promise<void> {
    this.#check(request.key, writeCondition(request, false));
    this.#entries.delete(request.key);
  }

  /**
   * Every condition is checked against the state before the transaction, then the operations
   * apply in order (a later operation on the same key wins), as Dapr's in-memory store does.
   */
  async transact(operations: readonly TransactionOperation[]): Promise<void> {
    for (const op of operations) this.#check(op.request.key, writeCondition(op.request, op.operation === 'upsert'));
    for (const op of operations) {
      if (op.operation === 'upsert') this.#write(op.request);
      else this.#entries.delete(op.request.key);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }

  /** Entries held, expired or not; for tests and diagnostics, not part of StateStore. */
  storedEntries(): number {
    return this.#entries.size;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    return entry && !this.#expired(entry, this.#clock.now()) ? entry : undefined;
  }

  #expired(entry: Entry, now: number): boolean {
    return entry.expiresAt !== undefined && entry.expiresAt <= now;
  }

  #check(key: string, condition: WriteCondition): void {
    const current = this.#live(key);
    if (condition.kind === 'etag' && current?.etag !== condition.etag) throw new EtagMismatchError(key);
    if (condition.kind === 'absent' && current) throw new EtagMismatchError(key);
  }

  #write(request: SetRequest): void {
    const ttl = effectiveTtlSeconds(request);
    this.#entries.set(request.key, {
      value: Buffer.from(request.value),
      etag: randomUUID(),
      expiresAt: ttl === undefined ? undefined : this.#clock.now() + ttl * 1000,
    });
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#entries) if (this.#expired(entry, now)) this.#entries.delete(key);
  }
}

export const inMemoryStateStore: ComponentDefinition<'state'> = {
  category: 'state',
  type: 'state.in-memory',
  versions: ['v1'],
  async create(metadata, context) {
    // Not a Dapr field (Dapr's in-memory store takes none); lets tests and tight deployments tune the sweep.
    const sweepIntervalMs = metadata.durationMs('cleanupInterval', 10_000);
    return new InMemoryStateStore(context.clock, sweepIntervalMs);
  },
};
