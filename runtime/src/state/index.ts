/**
 * The state building block. `StateStore` is the interface every state component implements;
 * `createStateService` is the Dapr state API over a set of named stores (key prefixes, etag
 * and concurrency options, TTL metadata, errors in Dapr's catalogue).
 */
export { EtagMismatchError, EtagInvalidError, writeCondition, effectiveTtlSeconds } from './store.js';
export type {
  StateStore,
  StateFeature,
  StoredItem,
  SetRequest,
  DeleteRequest,
  TransactionOperation,
  Concurrency,
  WriteCondition,
} from './store.js';
export { createStateService, storeOperations } from './service.js';
export { storedKey } from './keys.js';
export type { KeyPrefixRule } from './keys.js';
export type { StateService, StateServiceOptions, NamedStateStore, StateValue, BulkStateItem, DeleteOptions } from './service.js';
export { parseSaveRequest, parseBulkGetRequest, parseTransactionRequest, parseQueryOptions } from './requests.js';
export type { SaveItem, TransactionItem, BulkGetRequest, RequestMetadata, StateOptions } from './requests.js';
