import { ApiError, apiErrors } from '../errors/index.js';
import { keyPrefixRule, storedKey, type KeyPrefixRule } from './keys.js';
import {
  ttlFromMetadata,
  type BulkGetRequest,
  type RequestMetadata,
  type SaveItem,
  type StateOptions,
  type TransactionItem,
} from './requests.js';
import { EtagInvalidError, EtagMismatchError, type SetRequest, type StateStore, type TransactionOperation } from './store.js';

/** A loaded state component, as the state service needs it. */
export interface NamedStateStore {
  readonly name: string;
  readonly store: StateStore;
  /** Component metadata `keyPrefix`, if set. */
  readonly keyPrefix: string | undefined;
}

export interface StateServiceOptions {
  readonly appId: string;
  readonly namespace?: string | undefined;
  readonly stores: readonly NamedStateStore[];
}

export interface StateValue {
  /** The stored JSON text, as bytes. */
  readonly value: Buffer;
  readonly etag: string;
  /** Response metadata, e.g. `ttlExpireTime`. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface BulkStateItem {
  readonly key: string;
  readonly value?: Buffer;
  readonly etag?: string;
  readonly error?: string;
}

export interface DeleteOptions extends StateOptions {
  readonly etag?: string;
  readonly metadata: RequestMetadata;
}

/** The Dapr state API over named stores. Every failure is an ApiError from the catalogue. */
export interface StateService {
  get(storeName: string, key: string): Promise<StateValue | undefined>;
  bulkGet(storeName: string, request: BulkGetRequest): Promise<BulkStateItem[]>;
  /** One item is one write; several are written atomically (all or none). */
  save(storeName: string, items: readonly SaveItem[]): Promise<void>;
  delete(storeName: string, key: string, options: DeleteOptions): Promise<void>;
  transact(storeName: string, operations: readonly TransactionItem[]): Promise<void>;
}

interface Target {
  readonly name: string;
  readonly store: StateStore;
  readonly rule: KeyPrefixRule;
}

export function createStateService(options: StateServiceOptions): StateService {
  const targets = new Map<string, Target>();
  for (const { name, store, keyPrefix } of options.stores) {
    const rule = keyPrefixRule(keyPrefix, { appId: options.appId, storeName: name, namespace: options.namespace });
    targets.set(name, { name, store, rule });
  }
  const target = (storeName: string): Target => {
    if (targets.size === 0) throw apiErrors.stateStoresNotConfigured();
    const found = targets.get(storeName);
    if (!found) throw apiErrors.stateStoreNotFound(storeName);
    return found;
  };

  return {
    async get(storeName, key) {
      const { store, rule, name } = target(storeName);
      const item = await store.get(storedKey(rule, key)).catch((err: unknown) => {
        throw apiErrors.stateGet(key, name, err);
      });
      if (!item) return undefined;
      const metadata: Record<string, string> =
        item.expiresAt === undefined ? {} : { ttlExpireTime: new Date(item.expiresAt).toISOString() };
      return { value: item.value, etag: item.etag, metadata };
    },

    async bulkGet(storeName, request) {
      const { store, rule } = target(storeName);
      const ids = request.keys.map((key) => storedKey(rule, key));
      return mapWithLimit(request.keys, request.parallelism, async (key, i): Promise<BulkStateItem> => {
        try {
          const item = await store.get(ids[i]!);
          return item ? { key, value: item.value, etag: item.etag } : { key };
        } catch (err) {
          return { key, error: (err as Error).message };
        }
      });
    },

    async save(storeName, items) {
      const { store, rule, name } = target(storeName);
      if (items.length === 0) return;
      const requests = items.map((item) => toSetRequest(rule, item));
      try {
        if (requests.length === 1) await store.set(requests[0]!);
        else await store.transact(requests.map((request) => ({ operation: 'upsert', request })));
      } catch (err) {
        throw saveError(name, rule, err);
      }
    },

    async delete(storeName, key, options) {
      const { store, rule } = target(storeName);
      const request = {
        key: storedKey(rule, key),
        ...(options.etag ? { etag: options.etag } : {}),
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      };
      try {
        await store.delete(request);
      } catch (err) {
        if (err instanceof EtagMismatchError) throw apiErrors.stateDeleteEtagMismatch(key, withCallerKey(rule, err));
        if (err instanceof EtagInvalidError) throw apiErrors.stateDeleteInvalidEtag(err);
        throw apiErrors.stateDelete(key, err);
      }
    },

    async transact(storeName, operations) {
      const { store, rule } = target(storeName);
      if (operations.length === 0) return;
      await store.transact(storeOperations(rule, operations)).catch((err: unknown) => {
        throw apiErrors.stateTransaction(withCallerKey(rule, err));
      });
    },
  };
}

/** A checked transaction as a store's operations, keys prefixed by `rule`. */
export function storeOperations(rule: KeyPrefixRule, operations: readonly TransactionItem[]): TransactionOperation[] {
  return operations.map((op): TransactionOperation => {
    const request = toSetRequest(rule, op.item);
    return op.operation === 'upsert' ? { operation: 'upsert', request } : { operation: 'delete', request: deleteOf(request) };
  });
}

function toSetRequest(rule: KeyPrefixRule, item: SaveItem): SetRequest {
  const ttlSeconds = ttlFromMetadata(item.metadata);
  return {
    key: storedKey(rule, item.key),
    value: Buffer.from(JSON.stringify(item.value)),
    ...(item.etag !== undefined ? { etag: item.etag } : {}),
    ...(item.options.concurrency ? { concurrency: item.options.concurrency } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  };
}

function deleteOf(request: SetRequest) {
  return {
    key: request.key,
    ...(request.etag !== undefined ? { etag: request.etag } : {}),
    ...(request.concurrency ? { concurrency: request.concurrency } : {}),
  };
}

function saveError(store: string, rule: KeyPrefixRule, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof EtagMismatchError) return apiErrors.stateSaveEtagMismatch(store, withCallerKey(rule, err));
  if (err instanceof EtagInvalidError) return apiErrors.stateSaveInvalidEtag(err);
  return apiErrors.stateSave(store, err);
}

/** Store errors name stored keys; callers should see their own key, not the prefix. */
function withCallerKey(rule: KeyPrefixRule, err: unknown): unknown {
  if (!(err instanceof EtagMismatchError) || !err.key.startsWith(rule.prefix)) return err;
  return new EtagMismatchError(err.key.slice(rule.prefix.length));
}

/** Runs `fn` over `items` with at most `limit` in flight (≤ 0: all at once), keeping order. */
async function mapWithLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (limit <= 0 || limit >= items.length) return Promise.all(items.map(fn));
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}
