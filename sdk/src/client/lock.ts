/**
 * `client.lock`: Dapr's distributed lock API (`/v1.0-alpha1/lock|unlock/{store}`). A lock is
 * held by one owner until it unlocks or the expiry passes; it is not reentrant.
 */
import { callOptions, pathOf, type CallOptions, type Transport } from './transport.js';

/** Dapr's unlock answers, by the names of its protobuf enum (the wire carries their numbers). */
export type UnlockStatus = 'SUCCESS' | 'LOCK_DOES_NOT_EXIST' | 'LOCK_BELONGS_TO_OTHERS' | 'INTERNAL_ERROR';

const UNLOCK_STATUSES: readonly UnlockStatus[] = ['SUCCESS', 'LOCK_DOES_NOT_EXIST', 'LOCK_BELONGS_TO_OTHERS', 'INTERNAL_ERROR'];
const JSON_HEADERS = { 'content-type': 'application/json' };

export class LockClient {
  constructor(private readonly transport: Transport) {}

  /**
   * Takes the lock on `resourceId` for `owner` for `expiryInSeconds`: true if taken, false if
   * someone (the same owner included) holds it. Bad arguments are a SidecarError
   * `ERR_MALFORMED_REQUEST`; a store failure, `ERR_TRY_LOCK`.
   */
  async tryLock(store: string, resourceId: string, owner: string, expiryInSeconds: number, options: CallOptions = {}): Promise<boolean> {
    const answer = await this.#post('lock', store, { resourceId, lockOwner: owner, expiryInSeconds }, options);
    return answer['success'] === true;
  }

  /** Releases the lock if `owner` holds it; the status says what happened. */
  async unlock(store: string, resourceId: string, owner: string, options: CallOptions = {}): Promise<UnlockStatus> {
    const status = (await this.#post('unlock', store, { resourceId, lockOwner: owner }, options))['status'];
    // daprd leaves out a zero (SUCCESS) when it does not emit unpopulated fields.
    const number = status === undefined ? 0 : Number(status);
    return UNLOCK_STATUSES[number] ?? (UNLOCK_STATUSES.includes(status as UnlockStatus) ? (status as UnlockStatus) : 'INTERNAL_ERROR');
  }

  async #post(action: 'lock' | 'unlock', store: string, request: object, options: CallOptions): Promise<Record<string, unknown>> {
    const response = await this.transport.call({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0-alpha1/${action}${pathOf(store)}`,
      headers: JSON_HEADERS,
      body: JSON.stringify(request),
    });
    return response.body.length === 0 ? {} : (JSON.parse(response.body.toString('utf8')) as Record<string, unknown>);
  }
}
