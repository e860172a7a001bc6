/**
 * Actor state through the state block: keys `<appId>||<type>||<id>||<key>` in the one state store
 * marked `actorStateStore: "true"`, transactional writes, `ttlInSeconds` metadata. Requests an
 * app makes during its actor's turn never take the turn: the turn is theirs already.
 */
import { apiErrors } from '../../errors/index.js';
import { parseTransactionRequest, storedKey, storeOperations, type KeyPrefixRule, type StateStore } from '../../state/index.js';
import type { ActorRef } from '../keys.js';

export interface ActorStateService {
  /** The stored JSON bytes, or undefined when the key has no value. */
  get(actor: ActorRef, key: string): Promise<Buffer | undefined>;
  /** A Dapr actor state transaction (a bare array of operations), all or nothing. */
  transact(actor: ActorRef, body: unknown): Promise<void>;
}

export interface ActorStateOptions {
  readonly appId: string;
  /** Absent when no state store is marked for actors: every call then says so. */
  readonly store: StateStore | undefined;
  /** Writes are accepted only for actors active on this sidecar (Dapr's rule). */
  readonly isActiveHere: (actor: ActorRef) => boolean;
}

export function createActorStateService(options: ActorStateOptions): ActorStateService {
  const storeOrFail = (): StateStore => {
    if (!options.store) throw apiErrors.actorRuntimeNotFound('no state store has metadata actorStateStore: "true"');
    return options.store;
  };
  const rule = (actor: ActorRef): KeyPrefixRule => ({ prefix: `${options.appId}||${actor.type}||${actor.id}||` });
  return {
    async get(actor, key) {
      const store = storeOrFail();
      const item = await store.get(storedKey(rule(actor), key)).catch((err: unknown) => {
        throw apiErrors.actorStateGet(err);
      });
      return item?.value;
    },
    async transact(actor, body) {
      const store = storeOrFail();
      if (!Array.isArray(body)) throw apiErrors.malformedRequest('the body must be a JSON array of operations');
      const { operations } = parseTransactionRequest({ operations: body });
      if (!options.isActiveHere(actor)) throw apiErrors.actorInstanceMissing(actor.type, actor.id);
      if (operations.length === 0) return;
      await store.transact(storeOperations(rule(actor), operations)).catch((err: unknown) => {
        throw apiErrors.actorStateTransaction(err);
      });
    },
  };
}
