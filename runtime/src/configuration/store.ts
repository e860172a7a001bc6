/**
 * The seam between the configuration API and its components: read items by key, and watch
 * keys for changes. Item values and versions are strings; a store reports changes as they
 * happen and keeps no history.
 */

export interface ConfigurationItem {
  readonly value: string;
  readonly version: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export type ConfigurationItems = ReadonlyMap<string, ConfigurationItem>;

/** Request metadata (`metadata.*` query parameters), passed to the store as is. */
export type ConfigurationRequestMetadata = Readonly<Record<string, string>>;

/** A store's watch on some keys; `stop` ends it and frees what it held on the server. */
export interface StoreWatch {
  stop(): Promise<void>;
}

/** Error semantics: any thrown error is a store failure (unreachable, refused). */
export interface ConfigurationStore {
  readonly features: readonly string[];
  /** The items that exist among `keys`; every item when `keys` is empty. */
  get(keys: readonly string[], metadata: ConfigurationRequestMetadata): Promise<ConfigurationItems>;
  /**
   * Calls `onChange` with the current items of keys that change (every key when `keys` is
   * empty). A deleted key is not reported, as in Dapr.
   */
  watch(keys: readonly string[], metadata: ConfigurationRequestMetadata, onChange: (items: ConfigurationItems) => void): Promise<StoreWatch>;
  close(): Promise<void>;
}
