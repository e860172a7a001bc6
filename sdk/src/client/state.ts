/**
 * `client.state`: Dapr's state API (`/v1.0/state/…`): single items with etags, bulk reads and
 * transactions. Values travel as JSON; keys and store names are URL-encoded here.
 */
import { callOptions, pathOf, queryFrom, type CallOptions, type RequestMetadata, type SidecarResponse, type Transport } from './transport.js';

export type Concurrency = 'first-write' | 'last-write';
export type Consistency = 'eventual' | 'strong';

export interface StateOptions {
  readonly concurrency?: Concurrency;
  readonly consistency?: Consistency;
}

export interface StateEntry<T> {
  readonly value: T;
  /** Pass it back to `save` or `delete` to write only if nobody changed the item since. */
  readonly etag: string;
}

export interface GetStateOptions extends CallOptions {
  readonly consistency?: Consistency;
  readonly metadata?: RequestMetadata;
}

export interface SaveStateItem<T = unknown> {
  readonly key: string;
  readonly value: T;
  readonly etag?: string;
  readonly metadata?: RequestMetadata;
  readonly options?: StateOptions;
}

export interface SaveStateOptions extends CallOptions {
  /** Applies to every item; wins over an item's own metadata with the same key (as in Dapr). */
  readonly metadata?: RequestMetadata;
}

export interface DeleteStateOptions extends CallOptions, StateOptions {
  /** Delete only if the item still has this etag (sent as `If-Match`). */
  readonly etag?: string;
  readonly metadata?: RequestMetadata;
}

export interface GetBulkStateOptions extends CallOptions {
  /** How many keys the sidecar reads at once. */
  readonly parallelism?: number;
  readonly metadata?: RequestMetadata;
}

export interface BulkStateItem<T> {
  readonly key: string;
  /** Absent when the key does not exist (or its read failed: see `error`). */
  readonly value?: T;
  readonly etag?: string;
  /** Why this key could not be read, when the store reported a per-key failure. */
  readonly error?: string;
}

export interface DeleteStateRequest {
  readonly key: string;
  readonly etag?: string;
  readonly metadata?: RequestMetadata;
  readonly options?: StateOptions;
}

export type TransactionOperation<T = unknown> =
  | { readonly operation: 'upsert'; readonly request: SaveStateItem<T> }
  | { readonly operation: 'delete'; readonly request: DeleteStateRequest };

export interface TransactionOptions extends CallOptions {
  /** For the transaction as a whole (sent in the body, where Dapr reads it). */
  readonly metadata?: RequestMetadata;
}

/** What the sidecar answers for each key of a bulk get. */
interface WireBulkItem {
  readonly key: string;
  readonly data?: unknown;
  readonly etag?: string;
  readonly error?: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export class StateClient {
  constructor(private readonly transport: Transport) {}

  /** The item and its etag, or undefined if the key does not exist. */
  async get<T = unknown>(store: string, key: string, options: GetStateOptions = {}): Promise<StateEntry<T> | undefined> {
    const response = await this.transport.call({
      ...callOptions(options),
      method: 'GET',
      path: `/v1.0/state${pathOf(store, key)}`,
      query: queryFrom({ consistency: options.consistency }, options.metadata),
    });
    if (response.status === 204) return undefined;
    // Stores without etag support send none; '' is also what Dapr reads as "no etag".
    return { value: decodeValue<T>(response), etag: response.headers['etag'] ?? '' };
  }

  /** Just the value, for reads that will not write back. */
  async getValue<T = unknown>(store: string, key: string, options: GetStateOptions = {}): Promise<T | undefined> {
    return (await this.get<T>(store, key, options))?.value;
  }

  /** Saves all items or none; a stale etag throws EtagMismatchError. */
  async save(store: string, items: readonly SaveStateItem[], options: SaveStateOptions = {}): Promise<void> {
    await this.transport.call({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0/state${pathOf(store)}`,
      query: queryFrom({}, options.metadata),
      headers: JSON_HEADERS,
      body: JSON.stringify(items),
    });
  }

  /** Deleting a missing key succeeds; a stale etag throws EtagMismatchError. */
  async delete(store: string, key: string, options: DeleteStateOptions = {}): Promise<void> {
    await this.transport.call({
      ...callOptions(options),
      method: 'DELETE',
      path: `/v1.0/state${pathOf(store, key)}`,
      query: queryFrom({ concurrency: options.concurrency, consistency: options.consistency }, options.metadata),
      headers: options.etag ? { 'if-match': options.etag } : {},
    });
  }

  /** One entry per key, in the order asked; missing keys come back without a value. */
  async getBulk<T = unknown>(store: string, keys: readonly string[], options: GetBulkStateOptions = {}): Promise<Array<BulkStateItem<T>>> {
    const response = await this.transport.call({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0/state${pathOf(store)}/bulk`,
      query: queryFrom({}, options.metadata),
      headers: JSON_HEADERS,
      body: JSON.stringify({ keys, ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}) }),
    });
    return (JSON.parse(response.body.toString('utf8')) as WireBulkItem[]).map((item) => bulkItem<T>(item));
  }

  /** Applies every operation or none (the store must be transactional). */
  async transaction(store: string, operations: readonly TransactionOperation[], options: TransactionOptions = {}): Promise<void> {
    await this.transport.call({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0/state${pathOf(store)}/transaction`,
      headers: JSON_HEADERS,
      body: JSON.stringify({ operations, ...(options.metadata ? { metadata: options.metadata } : {}) }),
    });
  }
}

/** Values are JSON, but another client may have stored raw text: that comes back as a string. */
function decodeValue<T>(response: SidecarResponse): T {
  const text = response.body.toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

function bulkItem<T>(item: WireBulkItem): BulkStateItem<T> {
  return {
    key: item.key,
    ...('data' in item ? { value: item.data as T } : {}),
    ...(item.etag ? { etag: item.etag } : {}),
    ...(item.error ? { error: item.error } : {}),
  };
}
