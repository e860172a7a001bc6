import { apiErrors } from '../errors/index.js';
import { isSecretAllowed, type SecretScope } from './scopes.js';
import type { SecretRequestMetadata, SecretStore } from './store.js';

/** A loaded secret store component, as the secrets service needs it. */
export interface NamedSecretStore {
  readonly name: string;
  readonly store: SecretStore;
}

export interface SecretsServiceOptions {
  readonly stores: readonly NamedSecretStore[];
  readonly scopes: readonly SecretScope[];
}

/** The Dapr secrets API over named stores, with the app's secret scopes applied. */
export interface SecretsService {
  get(storeName: string, key: string, metadata: SecretRequestMetadata): Promise<Record<string, string>>;
  /** Every secret the scope admits; the others are left out without an error, as in Dapr. */
  bulkGet(storeName: string, metadata: SecretRequestMetadata): Promise<Record<string, Record<string, string>>>;
}

export function createSecretsService(options: SecretsServiceOptions): SecretsService {
  const stores = new Map(options.stores.map(({ name, store }) => [name, store]));
  const scopes = new Map(options.scopes.map((scope) => [scope.storeName, scope]));
  const storeNamed = (storeName: string): SecretStore => {
    if (stores.size === 0) throw apiErrors.secretStoresNotConfigured();
    const store = stores.get(storeName);
    if (!store) throw apiErrors.secretStoreNotFound(storeName);
    return store;
  };

  return {
    async get(storeName, key, metadata) {
      const store = storeNamed(storeName);
      if (!isSecretAllowed(scopes.get(storeName), key)) throw apiErrors.secretPermissionDenied(key, storeName);
      return store.get(key, metadata).catch((err: unknown) => {
        throw apiErrors.secretGet(key, storeName, err);
      });
    },

    async bulkGet(storeName, metadata) {
      const store = storeNamed(storeName);
      const secrets = await store.bulkGet(metadata).catch((err: unknown) => {
        throw apiErrors.secretBulkGet(storeName, err);
      });
      const scope = scopes.get(storeName);
      return Object.fromEntries(Object.entries(secrets).filter(([name]) => isSecretAllowed(scope, name)));
    },
  };
}

/**
 * The value a component's `secretKeyRef: {name, key}` stands for: entry `key` of secret
 * `name`. A missing secret or key is an error naming both, for the loader's message.
 */
export async function resolveSecretRef(store: SecretStore, ref: { readonly name: string; readonly key: string }): Promise<string> {
  const secret = await store.get(ref.name, {});
  const value = secret[ref.key];
  if (value === undefined) throw new Error(`secret "${ref.name}" has no key "${ref.key}" (it has: ${Object.keys(secret).join(', ')})`);
  return value;
}
