/**
 * The seam between the state building block and its components. A store sees keys that are
 * already prefixed and values that are already serialised: it stores bytes and enforces
 * etags, atomically. Everything Dapr-specific about requests lives in the state service.
 */

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
