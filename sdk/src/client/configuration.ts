/**
 * `client.configuration`: Dapr's configuration API (`/v1.0/configuration/{store}…`): read
 * application settings and subscribe to their changes. Changes are pushed to the app
 * (`POST /configuration/{store}/{key}`), which an AppServer hands to `onConfiguration`.
 */
import { errorFromResponse, parseJsonObject, SidecarError, UNKNOWN_ERROR_CODE } from '../errors.js';
import { callOptions, isSuccess, pathOf, queryFrom, type CallOptions, type RequestMetadata, type Transport } from './transport.js';

export interface ConfigurationItem {
  readonly value: string;
  /** '' when the store keeps no version. */
  readonly version: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export type ConfigurationItems = Readonly<Record<string, ConfigurationItem>>;

export interface ConfigurationOptions extends CallOptions {
  /** Passed to the store as `metadata.<key>` query parameters. */
  readonly metadata?: RequestMetadata;
}

export interface ConfigurationSubscription {
  /** The sidecar's subscription id; pushed updates carry it. */
  readonly id: string;
  /** Ends the subscription. */
  unsubscribe(options?: CallOptions): Promise<void>;
}

export class ConfigurationClient {
  constructor(private readonly transport: Transport) {}

  /** The items of `keys` that exist (every item when `keys` is empty), by key. */
  async get(store: string, keys: readonly string[] = [], options: ConfigurationOptions = {}): Promise<ConfigurationItems> {
    const response = await this.transport.call({ ...callOptions(options), method: 'GET', path: `/v1.0/configuration${pathOf(store)}`, query: queryFrom({ key: keys }, options.metadata) });
    return response.status === 204 || response.body.length === 0 ? {} : configurationItems(JSON.parse(response.body.toString('utf8')));
  }

  /**
   * Asks the sidecar to push changes of `keys` (every key when empty) to this app. The app must
   * serve them (AppServer.onConfiguration) and the sidecar must know its port.
   */
  async subscribe(store: string, keys: readonly string[] = [], options: ConfigurationOptions = {}): Promise<ConfigurationSubscription> {
    const response = await this.transport.call({ ...callOptions(options), method: 'GET', path: `/v1.0/configuration${pathOf(store)}/subscribe`, query: queryFrom({ key: keys }, options.metadata) });
    const id = (JSON.parse(response.body.toString('utf8')) as { id?: unknown }).id;
    if (typeof id !== 'string' || id === '') throw new SidecarError({ status: response.status, errorCode: UNKNOWN_ERROR_CODE, message: 'the sidecar answered a subscription without an id' });
    return { id, unsubscribe: (callOpts) => this.unsubscribe(store, id, callOpts) };
  }

  /** Ends subscription `id`; an unknown id is a SidecarError. */
  async unsubscribe(store: string, id: string, options: CallOptions = {}): Promise<void> {
    const response = await this.transport.send({ ...callOptions(options), method: 'GET', path: `/v1.0/configuration${pathOf(store, id)}/unsubscribe` });
    const text = response.body.toString('utf8');
    const answer = parseJsonObject(text);
    if (isSuccess(response.status) && answer?.['ok'] !== false) return;
    // daprd answers this route with {ok: false, message} rather than its usual error body.
    if (typeof answer?.['message'] === 'string' && answer['errorCode'] === undefined) {
      throw new SidecarError({ status: response.status, errorCode: UNKNOWN_ERROR_CODE, message: answer['message'] });
    }
    throw errorFromResponse(response.status, text);
  }
}

/** Items as Dapr sends them (empty fields left out), filled in; also reads Dapr's documented array form. */
export function configurationItems(raw: unknown): ConfigurationItems {
  const entries: Array<[string, unknown]> = Array.isArray(raw)
    ? raw.map((item: { key?: unknown }) => [String(item?.key ?? ''), item])
    : Object.entries(typeof raw === 'object' && raw !== null ? raw : {});
  return Object.fromEntries(entries.filter(([key]) => key !== '').map(([key, item]) => [key, configurationItem(item)]));
}

function configurationItem(raw: unknown): ConfigurationItem {
  const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    value: typeof item['value'] === 'string' ? item['value'] : '',
    version: typeof item['version'] === 'string' ? item['version'] : '',
    metadata: typeof item['metadata'] === 'object' && item['metadata'] !== null ? (item['metadata'] as Record<string, string>) : {},
  };
}
