import { apiErrors } from '../errors/index.js';
import { lockKey, lockKeyPrefix } from './keys.js';
import type { LockRequest, UnlockRequest } from './requests.js';
import type { LockStore, UnlockStatus } from './store.js';

/** A loaded lock component, as the lock service needs it. */
export interface NamedLockStore {
  readonly name: string;
  readonly store: LockStore;
  /** Component metadata `keyPrefix`, if set. */
  readonly keyPrefix: string | undefined;
}

export interface LockServiceOptions {
  readonly appId: string;
  readonly stores: readonly NamedLockStore[];
}

/** Dapr's distributed lock API over named stores. Every failure is an ApiError from the catalogue. */
export interface LockService {
  tryLock(storeName: string, request: LockRequest): Promise<boolean>;
  unlock(storeName: string, request: UnlockRequest): Promise<UnlockStatus>;
}

interface Target {
  readonly store: LockStore;
  readonly prefix: string;
}

export function createLockService(options: LockServiceOptions): LockService {
  const targets = new Map<string, Target>(
    options.stores.map(({ name, store, keyPrefix }) => [name, { store, prefix: lockKeyPrefix(keyPrefix, { appId: options.appId, storeName: name }) }]),
  );
  // Dapr's order of checks, which decides the error a request with several faults gets.
  const target = (storeName: string, request: UnlockRequest): Target => {
    if (targets.size === 0) throw apiErrors.lockStoresNotConfigured();
    if (request.resourceId === '') throw apiErrors.lockResourceIdEmpty(storeName);
    if (request.lockOwner === '') throw apiErrors.lockOwnerEmpty(storeName);
    const found = targets.get(storeName);
    if (!found) throw apiErrors.lockStoreNotFound(storeName);
    return found;
  };

  return {
    async tryLock(storeName, request) {
      if (request.expiryInSeconds <= 0) throw apiErrors.lockExpiryNotPositive(storeName);
      const { store, prefix } = target(storeName, request);
      try {
        return await store.tryLock(lockKey(prefix, request.resourceId), request.lockOwner, request.expiryInSeconds);
      } catch (err) {
        throw apiErrors.tryLock(err);
      }
    },

    async unlock(storeName, request) {
      const { store, prefix } = target(storeName, request);
      try {
        return await store.unlock(lockKey(prefix, request.resourceId), request.lockOwner);
      } catch (err) {
        throw apiErrors.unlock(err);
      }
    },
  };
}
