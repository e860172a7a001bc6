/**
 * The secrets building block. `SecretStore` is the interface every `secretstores.*` component
 * implements; `createSecretsService` is Dapr's secrets API over the named stores, with the
 * app's secret scopes (Configuration `spec.secrets.scopes`) applied. `resolveSecretRef` is what
 * the component loader uses for `secretKeyRef` metadata.
 */
export { SecretNotFoundError } from './store.js';
export type { SecretStore, SecretStoreFeature, SecretRequestMetadata } from './store.js';
export { isSecretAllowed, parseSecretScopes } from './scopes.js';
export type { SecretScope } from './scopes.js';
export { createSecretsService, resolveSecretRef } from './service.js';
export type { SecretsService, SecretsServiceOptions, NamedSecretStore } from './service.js';
