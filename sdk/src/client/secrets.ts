/**
 * `client.secrets`: Dapr's secrets API (`/v1.0/secrets/{store}/…`), read-only. A secret is a
 * map of keys to values; single-valued stores answer one key named like the secret.
 */
import { callOptions, pathOf, queryFrom, type CallOptions, type RequestMetadata, type Transport } from './transport.js';

export interface SecretOptions extends CallOptions {
  /** Passed to the store as `metadata.<key>` query parameters. */
  readonly metadata?: RequestMetadata;
}

/** One secret: its keys and their values. */
export type Secret = Readonly<Record<string, string>>;

export class SecretsClient {
  constructor(private readonly transport: Transport) {}

  /**
   * The secret's keys and values (`{}` when it holds none). A missing secret is a SidecarError
   * `ERR_SECRET_GET`; a store the app's scope refuses, `ERR_PERMISSION_DENIED`.
   */
  async get(store: string, name: string, options: SecretOptions = {}): Promise<Secret> {
    return this.#read(`/v1.0/secrets${pathOf(store, name)}`, options) as Promise<Secret>;
  }

  /** Every secret the app may read, by name. */
  async getBulk(store: string, options: SecretOptions = {}): Promise<Readonly<Record<string, Secret>>> {
    return this.#read(`/v1.0/secrets${pathOf(store)}/bulk`, options) as Promise<Readonly<Record<string, Secret>>>;
  }

  async #read(path: string, options: SecretOptions): Promise<unknown> {
    const response = await this.transport.call({ ...callOptions(options), method: 'GET', path, query: queryFrom({}, options.metadata) });
    return response.status === 204 || response.body.length === 0 ? {} : (JSON.parse(response.body.toString('utf8')) as unknown);
  }
}
