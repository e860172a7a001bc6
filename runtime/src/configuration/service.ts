import { randomUUID } from 'node:crypto';
import { apiErrors } from '../errors/index.js';
import type { AppChannel } from '../invoke/index.js';
import type { Logger } from '../logging/index.js';
import type { ConfigurationItem, ConfigurationItems, ConfigurationRequestMetadata, ConfigurationStore, StoreWatch } from './store.js';

/** A loaded configuration component, as the configuration service needs it. */
export interface NamedConfigurationStore {
  readonly name: string;
  readonly store: ConfigurationStore;
}

export interface ConfigurationServiceOptions {
  readonly stores: readonly NamedConfigurationStore[];
  /** Where changes are pushed; without an app, subscribing is refused. */
  readonly appChannel: AppChannel | undefined;
  readonly logger: Logger;
}

/** Dapr's configuration API over named stores. Every failure is an ApiError from the catalogue. */
export interface ConfigurationService {
  get(storeName: string, keys: readonly string[], metadata: ConfigurationRequestMetadata): Promise<ConfigurationItems>;
  /** Starts pushing changes of `keys` to the app; resolves to the subscription id. */
  subscribe(storeName: string, keys: readonly string[], metadata: ConfigurationRequestMetadata): Promise<string>;
  unsubscribe(id: string): Promise<void>;
  /** Stops every subscription. */
  close(): Promise<void>;
}

export function createConfigurationService(options: ConfigurationServiceOptions): ConfigurationService {
  const stores = new Map(options.stores.map(({ name, store }) => [name, store]));
  const watches = new Map<string, StoreWatch>();
  const storeNamed = (storeName: string): ConfigurationStore => {
    if (stores.size === 0) throw apiErrors.configurationStoresNotConfigured();
    const store = stores.get(storeName);
    if (!store) throw apiErrors.configurationStoreNotFound(storeName);
    return store;
  };

  return {
    async get(storeName, keys, metadata) {
      return storeNamed(storeName).get(keys, metadata).catch((err: unknown) => {
        throw apiErrors.configurationGet(keys, storeName, err);
      });
    },

    async subscribe(storeName, keys, metadata) {
      const store = storeNamed(storeName);
      const { appChannel } = options;
      if (!appChannel) throw apiErrors.appChannelNil();
      const id = randomUUID();
      const deliver = changeDelivery({ appChannel, storeName, id, logger: options.logger });
      const watch = await store.watch(keys, metadata, deliver).catch((err: unknown) => {
        throw apiErrors.configurationSubscribe(keys, storeName, err);
      });
      watches.set(id, watch);
      return id;
    },

    async unsubscribe(id) {
      const watch = watches.get(id);
      if (!watch) throw apiErrors.configurationUnsubscribe(id, 'subscription does not exist');
      watches.delete(id);
      await watch.stop().catch((err: unknown) => {
        throw apiErrors.configurationUnsubscribe(id, (err as Error).message);
      });
    },

    async close() {
      const all = [...watches.values()];
      watches.clear();
      await Promise.allSettled(all.map((watch) => watch.stop()));
    },
  };
}

interface Delivery {
  readonly appChannel: AppChannel;
  readonly storeName: string;
  readonly id: string;
  readonly logger: Logger;
}

/**
 * Pushes each changed key as daprd does: `POST /configuration/<store>/<key>` with
 * `{id, items: {<key>: item}}`, one key per request. Changes are delivered one at a time in
 * the order they happened; an app that does not answer 200 is logged, not retried (as in Dapr).
 */
function changeDelivery({ appChannel, storeName, id, logger }: Delivery): (items: ConfigurationItems) => void {
  let queue = Promise.resolve();
  const post = async (key: string, item: ConfigurationItem) => {
    const body = Buffer.from(JSON.stringify({ id, items: { [key]: itemJson(item) } }));
    const path = `configuration/${encodeURIComponent(storeName)}/${encodeURIComponent(key)}`;
    try {
      const response = await appChannel.call({ verb: 'POST', path, query: '', headers: { 'content-type': 'application/json' }, body });
      if (response.status !== 200) logger.warn({ subscription: id, key, status: response.status }, 'the app did not accept a configuration update');
    } catch (err) {
      logger.warn({ subscription: id, key, err: (err as Error).message }, 'could not deliver a configuration update to the app');
    }
  };
  return (items) => {
    for (const [key, item] of items) queue = queue.then(() => post(key, item));
  };
}

/** Dapr leaves empty fields out of an item (Go's omitempty). */
export function itemJson(item: ConfigurationItem): Partial<ConfigurationItem> {
  return {
    ...(item.value !== '' ? { value: item.value } : {}),
    ...(item.version !== '' ? { version: item.version } : {}),
    ...(Object.keys(item.metadata).length > 0 ? { metadata: item.metadata } : {}),
  };
}
