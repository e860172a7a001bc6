/**
 * The configuration API building block (Dapr's `/v1.0/configuration/…`): application settings
 * read from, and watched in, `configuration.*` components, changes pushed to the app through
 * the AppChannel. Not to be confused with `config/`, the sidecar's own options and Dapr
 * Configuration (`--config`) files.
 */
export type {
  ConfigurationStore,
  ConfigurationItem,
  ConfigurationItems,
  ConfigurationRequestMetadata,
  StoreWatch,
} from './store.js';
export { createConfigurationService, itemJson } from './service.js';
export type { ConfigurationService, ConfigurationServiceOptions, NamedConfigurationStore } from './service.js';
