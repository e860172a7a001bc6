/**
 * `client.metadata`: what the sidecar is and runs (`GET /v1.0/metadata`) and the free-form
 * attributes apps attach to it (`PUT /v1.0/metadata/{key}`, shown under `extended`).
 */
import { callOptions, pathOf, type CallOptions, type Transport } from './transport.js';

export interface ComponentInfo {
  readonly name: string;
  /** e.g. `state.redis`. */
  readonly type: string;
  readonly version: string;
  /** e.g. `ETAG`, `TRANSACTIONAL`, `ACTOR`. */
  readonly capabilities: readonly string[];
}

export interface ActiveActors {
  readonly type: string;
  readonly count: number;
}

export interface AppConnectionProperties {
  readonly port?: number;
  readonly protocol?: string;
  readonly channelAddress?: string;
  readonly maxConcurrency?: number;
}

export interface ActorRuntimeInfo {
  readonly runtimeStatus?: string;
  readonly hostReady?: boolean;
  readonly placement?: string;
  readonly activeActors?: readonly ActiveActors[];
}

/**
 * Dapr's metadata document. Dapr leaves out empty fields; the lists and `extended` are
 * filled in as empty here so callers need not guard them.
 */
export interface MetadataDocument {
  readonly id: string;
  readonly runtimeVersion: string;
  readonly enabledFeatures: readonly string[];
  readonly actors: readonly ActiveActors[];
  readonly components: readonly ComponentInfo[];
  readonly extended: Readonly<Record<string, string>>;
  readonly appConnectionProperties?: AppConnectionProperties;
  readonly actorRuntime?: ActorRuntimeInfo;
  /** Fields this SDK does not model yet (subscriptions, HTTP endpoints, …) stay reachable. */
  readonly [field: string]: unknown;
}

export class MetadataClient {
  constructor(private readonly transport: Transport) {}

  async get(options: CallOptions = {}): Promise<MetadataDocument> {
    const response = await this.transport.call({ ...callOptions(options), method: 'GET', path: '/v1.0/metadata' });
    const body = JSON.parse(response.body.toString('utf8')) as Partial<MetadataDocument>;
    return {
      ...body,
      id: body.id ?? '',
      runtimeVersion: body.runtimeVersion ?? '',
      enabledFeatures: body.enabledFeatures ?? [],
      actors: body.actors ?? [],
      components: body.components ?? [],
      extended: body.extended ?? {},
    };
  }

  /** Attaches `key: value` to the sidecar's `extended` metadata (kept in memory only). */
  async set(key: string, value: string, options: CallOptions = {}): Promise<void> {
    await this.transport.call({
      ...callOptions(options),
      method: 'PUT',
      path: `/v1.0/metadata${pathOf(key)}`,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: value,
    });
  }
}
