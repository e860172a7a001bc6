/**
 * The distributed lock building block (Dapr's alpha lock API). `LockStore` is the interface
 * every `lock.*` component implements; `createLockService` checks requests in Dapr's order,
 * prefixes resource ids as daprd does (keys.ts) and maps failures to Dapr's error codes.
 * Not the actors' turn lock (actors/lock/), which never leaves the sidecar.
 */
export { UnlockStatus } from './store.js';
export type { LockStore } from './store.js';
export { lockKey, lockKeyPrefix } from './keys.js';
export { parseLockRequest, parseUnlockRequest } from './requests.js';
export type { LockRequest, UnlockRequest } from './requests.js';
export { createLockService } from './service.js';
export type { LockService, LockServiceOptions, NamedLockStore } from './service.js';
