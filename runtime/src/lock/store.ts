/**
 * The seam between the lock building block and its components. A store sees resource ids that
 * are already prefixed; it must make acquire and release atomic on its server, so that of
 * several sidecars asking at once exactly one gets the lock.
 */

/** Dapr's numeric unlock statuses, sent to apps as numbers. */
export const UnlockStatus = {
  SUCCESS: 0,
  LOCK_DOES_NOT_EXIST: 1,
  LOCK_BELONGS_TO_OTHERS: 2,
  INTERNAL_ERROR: 3,
} as const;
export type UnlockStatus = (typeof UnlockStatus)[keyof typeof UnlockStatus];

/** Error semantics: any thrown error is a store failure (unreachable, refused); the caller may retry. */
export interface LockStore {
  readonly features: readonly string[];
  /** True when the lock was free (or expired) and is now held by `owner` for `expirySeconds`. */
  tryLock(resourceId: string, owner: string, expirySeconds: number): Promise<boolean>;
  unlock(resourceId: string, owner: string): Promise<UnlockStatus>;
  close(): Promise<void>;
}
