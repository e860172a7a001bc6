/**
 * The reminder loop of one sidecar. Each tick asks the storage which partitions of each hosted
 * type have something due, pages through those entries (a bounded batch at a time), keeps the
 * ones whose actor this sidecar owns, claims them (a compare-and-set that moves each to a lease,
 * so one claimer wins) and fires them; each fire then completes: reschedule, retry or delete.
 *
 * Nothing here holds reminders beyond the fires in flight (at most `maxInFlight`). The loop
 * sleeps until the earliest due time it has seen, never longer than `pollIntervalMs`, the bound
 * on how late it notices a reminder another sidecar wrote. A sidecar that dies between claim and
 * complete leaves a lease that runs out: the entry is due again and fires again (at-least-once).
 */
import type { Logger } from '../../logging/index.js';
import type { ClaimedReminder, DueReminder, ReminderCompletion, ReminderKey, ReminderScope, ReminderStorage } from '../../state/store.js';
import type { ActorRef } from '../keys.js';
import { nextOccurrence, retryDelay, type RetryPolicy } from './cadence.js';
import { CompletionBatcher } from './completions.js';
import { Deliveries } from './deliveries.js';
import { callbackBody, decodeRecord, encodeRecord, type ReminderRecord } from './record.js';
import type { TimerClock, TimerHandle } from '../timers/index.js';

export interface FireOptions {
  /** How long the fire may take: the lease less a margin, so it ends before another host may take over. */
  readonly timeoutMs: number;
  /** Aborted when the service closes. */
  readonly signal: AbortSignal;
  /** When this fire was due (clock ms); the delay until now is the reminder's lag. */
  readonly scheduledAt: number;
}

/** `cancel`: the app answered with `X-DaprReminderCancel: true`; the reminder is deleted. */
export interface FireResult {
  readonly cancel: boolean;
}

/** Delivers one fire to the actor, wherever it lives; throws when it could not be delivered. */
export type FireReminder = (actor: ActorRef, name: string, payload: Buffer, options: FireOptions) => Promise<FireResult>;

/** How the loop is tuned; `createReminderService` has the defaults. */
export interface ReminderTuning {
  /** The longest a reminder written by another sidecar waits to be noticed. Default 250 ms. */
  readonly pollIntervalMs: number;
  /** Due entries read, claimed and completed per storage call. Default 256. */
  readonly batchSize: number;
  /**
   * How long a claimed fire is this sidecar's before another may take it over; renewed every
   * third of it while the fire runs, so a crashed sidecar's fires are taken over this soon.
   * Default 60 s.
   */
  readonly leaseMs: number;
  /** The longest one delivery may take; default: derived from the lease. */
  readonly fireTimeoutMs?: number;
  /** Fires running at once; the loop reads no more due entries while this many run. Default 1024. */
  readonly maxInFlight: number;
  /** Default DEFAULT_RETRY: 10 attempts, backing off from 1 s to 60 s. */
  readonly retry: RetryPolicy;
}

export interface SchedulerOptions extends ReminderTuning {
  /** Part of every key: apps sharing a store never see each other's reminders (as with actor state). */
  readonly appId: string;
  readonly storage: ReminderStorage;
  /** The actor timers' clock: the loop sleeps on it, so a test moves the loop by moving the clock. */
  readonly clock: TimerClock;
  /** Whether this sidecar owns the actor now (the placement table); only the owner fires. */
  readonly owns: (actor: ActorRef) => boolean;
  /** The types whose due indexes this sidecar polls. */
  readonly hostedTypes: () => readonly string[];
  readonly fire: FireReminder;
  readonly logger: Logger;
}

interface TickResult {
  readonly claimed: number;
  readonly nextDueAt: number | undefined;
  /** Stopped early because `maxInFlight` fires are running. */
  readonly saturated: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

type Outcome = { readonly kind: 'fired'; readonly cancel: boolean } | { readonly kind: 'failed'; readonly error: unknown } | { readonly kind: 'aborted' };

type Next = ReminderCompletion['next'];

/**
 * Pages of one partition looked at per tick. Entries owned by other hosts stay due and are paged
 * over; this bounds that work when a host that died still owns many (until the placement drops it).
 */
const MAX_PAGES = 8;
/** Partitions of one type drained side by side: enough to keep the store and this process both busy. */
const PARALLEL_PARTITIONS = 4;
/** Rounds `runDue` ticks at most: enough for any test, and no endless loop if something is always due. */
const MAX_ROUNDS = 1_000;
/** A failing store is reported at warn level this often; the rest go to debug. */
const WARN_EVERY_MS = 30_000;
const NOTHING: TickResult = { claimed: 0, nextDueAt: undefined, saturated: false };

export class ReminderScheduler {
  readonly #o: SchedulerOptions;
  readonly #completions: CompletionBatcher;
  readonly #inFlight = new Set<Promise<void>>();
  /** Slots held by pages being read and claimed (see `#drain`). */
  #reserved = 0;
  readonly #deliveries: Deliveries;
  readonly #fireTimeoutMs: number;
  #state: 'idle' | 'running' | 'closed' = 'idle';
  #timer: TimerHandle | undefined;
  /** When the timer is set for; undefined while a tick runs. */
  #wakeAt: number | undefined;
  /** The earliest due time learned (creates, reschedules) since the current tick began. */
  #learned: number | undefined;
  #ticking: Promise<TickResult> = Promise.resolve(NOTHING);
  #warnedAt = Number.NEGATIVE_INFINITY;

  constructor(options: SchedulerOptions) {
    this.#o = options;
    this.#completions = new CompletionBatcher(options.storage, options.batchSize);
    this.#fireTimeoutMs = options.fireTimeoutMs ?? Math.max(1, options.leaseMs - Math.min(5_000, options.leaseMs / 4));
    this.#deliveries = new Deliveries(this.#fireTimeoutMs);
  }

  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    this.#sleep(0);
  }

  /** Something is due at `dueAt` (created or rescheduled here): wake then, if sooner than planned. */
  notify(dueAt: number): void {
    this.#learned = earliest(this.#learned, dueAt);
    if (this.#state === 'running' && this.#wakeAt !== undefined && dueAt < this.#wakeAt) this.#sleep(dueAt - this.#o.clock.now());
  }

  /** Fires everything due now and waits for the fires and their completions; the number fired. */
  async runDue(): Promise<number> {
    let fired = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const result = await this.#tickOnce();
      await this.#settle();
      fired += result.claimed;
      if (result.claimed === 0 && !result.saturated) break;
    }
    return fired;
  }

  /** Stops the loop, aborts the fires in flight and releases their leases (see `#afterFire`). */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stopTimer();
    this.#deliveries.abandonAll(new Error('the reminder service is closing'));
    await this.#ticking;
    await this.#settle();
  }

  #sleep(ms: number): void {
    this.#stopTimer();
    const delay = Math.max(0, ms);
    this.#wakeAt = this.#o.clock.now() + delay;
    this.#timer = this.#o.clock.setTimeout(() => void this.#wake(), delay);
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #wake(): Promise<void> {
    this.#timer = undefined;
    this.#wakeAt = undefined;
    this.#learned = undefined;
    const result = await this.#tickOnce();
    if (this.#state !== 'running') return;
    if (result.saturated && this.#inFlight.size > 0) return void Promise.race(this.#inFlight).then(() => this.#state === 'running' && this.#sleep(0));
    if (result.claimed > 0 || result.saturated) return this.#sleep(0);
    const next = earliest(result.nextDueAt, this.#learned);
    this.#sleep(Math.min(this.#o.pollIntervalMs, next === undefined ? Number.POSITIVE_INFINITY : next - this.#o.clock.now()));
  }

  /** Ticks never overlap, whether the loop or `runDue` asks. */
  #tickOnce(): Promise<TickResult> {
    const run = this.#ticking.then(() => this.#tick().catch((err: unknown) => this.#storeFailed(err)));
    this.#ticking = run;
    return run;
  }

  async #tick(): Promise<TickResult> {
    const now = this.#o.clock.now();
    const total: Mutable<TickResult> = { claimed: 0, nextDueAt: undefined, saturated: false };
    for (const actorType of this.#o.hostedTypes()) {
      const scope = { appId: this.#o.appId, actorType };
      const due = await this.#o.storage.duePartitions(scope, now);
      total.nextDueAt = earliest(total.nextDueAt, due.nextDueAt);
      await this.#drainAll(scope, due.partitions, now, total);
      if (total.saturated || this.#closed()) break;
    }
    return total;
  }

  /** Drains a type's due partitions a few at a time, so reading one overlaps firing another. */
  async #drainAll(scope: ReminderScope, partitions: readonly number[], now: number, total: Mutable<TickResult>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < partitions.length && !this.#closed()) {
        if (this.#freeSlots() === 0) return void (total.saturated = true);
        const drained = await this.#drain(scope, partitions[next++]!, now);
        total.claimed += drained.claimed;
        total.nextDueAt = earliest(total.nextDueAt, drained.nextDueAt);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTITIONS, partitions.length) }, worker));
  }

  async #drain(scope: ReminderScope, partition: number, now: number): Promise<{ claimed: number; nextDueAt: number | undefined }> {
    let offset = 0;
    let claimed = 0;
    let nextDueAt: number | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const limit = Math.min(this.#o.batchSize, this.#freeSlots());
      if (limit === 0) break;
      const read = await this.#claimPage(scope, partition, now, limit, offset);
      claimed += read.claimed;
      nextDueAt = read.nextDueAt;
      if (read.read < limit) break;
      // Claimed entries left the due range; the ones skipped are still there, ahead of the next page.
      offset += read.skipped;
    }
    return { claimed, nextDueAt };
  }

  /** Reads one page of due entries, then claims and fires the ones this sidecar owns. */
  async #claimPage(scope: ReminderScope, partition: number, now: number, limit: number, offset: number) {
    // The page's slots are held while it is read and claimed, so drains side by side stay within maxInFlight.
    this.#reserved += limit;
    try {
      const due = await this.#o.storage.fetchDue(scope, partition, now, limit, offset);
      const owned = due.entries.filter((entry) => this.#o.owns(actorOf(entry.key)));
      const claimed = await this.#claimAndFire(owned);
      return { read: due.entries.length, skipped: due.entries.length - owned.length, claimed, nextDueAt: due.nextDueAt };
    } finally {
      this.#reserved -= limit;
    }
  }

  async #claimAndFire(entries: readonly DueReminder[]): Promise<number> {
    if (entries.length === 0) return 0;
    const leaseUntil = this.#o.clock.now() + this.#o.leaseMs;
    const claims = await this.#o.storage.claim(entries, leaseUntil);
    let won = 0;
    claims.forEach((claimed, i) => {
      if (!claimed) return;
      won++;
      const lease = { revision: claimed.revision, until: leaseUntil };
      const run: Promise<void> = this.#fireClaimed(entries[i]!.key, claimed, lease).finally(() => this.#inFlight.delete(run));
      this.#inFlight.add(run);
    });
    return won;
  }

  /** Never rejects: every failure ends in a completion, a log line, or a lease left to run out. */
  async #fireClaimed(key: ReminderKey, claimed: ClaimedReminder, lease: Lease): Promise<void> {
    const record = this.#decode(key, claimed);
    if (!record) return;
    const stopRenewing = this.#keepLease(key, lease);
    const outcome = await this.#attempt(key, record);
    await stopRenewing();
    const next = this.#afterFire(key, record, outcome);
    try {
      const applied = await this.#completions.add({ key, revision: lease.revision, next });
      if (!applied) this.#o.logger.debug(describe(key), 'the reminder was changed or deleted while it fired; the newer write stands');
      else if (next) this.notify(next.dueAt);
    } catch (err) {
      this.#o.logger.warn({ ...describe(key), err: message(err) }, 'could not record a reminder fire; it fires again when its lease ends');
    }
  }

  /**
   * Renews the claim every third of the lease while the fire runs (a claim at the lease's own due
   * time, so it fails once anyone else took the reminder over). The returned stop waits for a
   * renewal under way, so the completion uses the latest revision.
   */
  #keepLease(key: ReminderKey, lease: Lease): () => Promise<void> {
    let stopped = false;
    let pending: Promise<void> = Promise.resolve();
    let handle: unknown;
    const renew = () => {
      pending = (async () => {
        const until = this.#o.clock.now() + this.#o.leaseMs;
        const [renewed] = await this.#o.storage.claim([{ key, dueAt: lease.until }], until).catch(() => [undefined]);
        if (!renewed) return;
        lease.revision = renewed.revision;
        lease.until = until;
        if (!stopped) handle = this.#o.clock.setTimeout(renew, this.#o.leaseMs / 3);
      })();
    };
    handle = this.#o.clock.setTimeout(renew, this.#o.leaseMs / 3);
    return async () => {
      stopped = true;
      this.#o.clock.clearTimeout(handle as never);
      await pending;
    };
  }

  /**
   * An unreadable value is left leased, not deleted: it may be a newer sidecar's encoding during a
   * rolling upgrade, and that sidecar will fire it once the lease runs out.
   */
  #decode(key: ReminderKey, claimed: ClaimedReminder): ReminderRecord | undefined {
    try {
      return decodeRecord(claimed.value);
    } catch (err) {
      this.#o.logger.error({ ...describe(key), err: message(err) }, 'cannot read a stored reminder; leaving it to another sidecar');
      return undefined;
    }
  }

  /** One delivery; abandoned (see Deliveries) when it takes longer than its timeout or the service closes. */
  async #attempt(key: ReminderKey, record: ReminderRecord): Promise<Outcome> {
    if (this.#closed()) return { kind: 'aborted' };
    try {
      const options = { timeoutMs: this.#fireTimeoutMs, signal: this.#deliveries.signal, scheduledAt: record.scheduledAt };
      const result = await this.#deliveries.run(() => this.#o.fire(actorOf(key), key.name, callbackBody(record), options));
      return { kind: 'fired', cancel: result.cancel };
    } catch (error) {
      return this.#closed() ? { kind: 'aborted' } : { kind: 'failed', error };
    }
  }

  #afterFire(key: ReminderKey, record: ReminderRecord, outcome: Outcome): Next {
    const now = this.#o.clock.now();
    switch (outcome.kind) {
      case 'fired':
        return outcome.cancel ? undefined : advance(record, now);
      case 'failed':
        return this.#retryOrGiveUp(key, record, outcome.error, now);
      case 'aborted':
        // Closing: due again at once, unchanged, so the next owner fires it without waiting out the lease.
        return { dueAt: now, value: encodeRecord(record) };
    }
  }

  #retryOrGiveUp(key: ReminderKey, record: ReminderRecord, error: unknown, now: number): Next {
    const attempts = record.attempts + 1;
    const fields = { ...describe(key), attempt: attempts, err: message(error) };
    if (attempts < this.#o.retry.maxAttempts) {
      const delayMs = retryDelay(this.#o.retry, attempts);
      this.#o.logger.warn({ ...fields, retryInMs: delayMs }, 'a reminder fire failed; retrying');
      return { dueAt: now + delayMs, value: encodeRecord({ ...record, attempts }) };
    }
    this.#o.logger.error(fields, 'a reminder fire failed too often; giving this fire up');
    return advance(record, now);
  }

  /** A method, not a field test: the state changes across the awaits of the callers. */
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #freeSlots(): number {
    return Math.max(0, this.#o.maxInFlight - this.#inFlight.size - this.#reserved);
  }

  async #settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
    await this.#completions.drain();
  }

  #storeFailed(err: unknown): TickResult {
    const now = Date.now();
    const warn = now - this.#warnedAt >= WARN_EVERY_MS;
    if (warn) this.#warnedAt = now;
    this.#o.logger[warn ? 'warn' : 'debug']({ err: message(err) }, 'reminder storage failed; trying again at the next tick');
    return NOTHING;
  }
}

/** A claim held while its fire runs: renewals move both fields on. */
interface Lease {
  revision: string;
  until: number;
}

/** The next fire after a successful (or given up) one, or undefined when the reminder is done. */
function advance(record: ReminderRecord, now: number): Next {
  const fired = record.fired + 1;
  const next = nextOccurrence(record.schedule, record.scheduledAt, fired, now);
  return next === undefined ? undefined : { dueAt: next, value: encodeRecord({ ...record, scheduledAt: next, fired, attempts: 0 }) };
}

function actorOf(key: ReminderKey): ActorRef {
  return { type: key.actorType, id: key.actorId };
}

function describe(key: ReminderKey): Record<string, string> {
  return { actor: `${key.actorType}/${key.actorId}`, reminder: key.name };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}
