/**
 * OutriggerClient: where the options are resolved (with Dapr's environment variables as
 * defaults) and the sub-clients are wired to one shared transport. A new building block
 * is one more sub-client field here.
 */
import { createActorProxy, type ActorProxy } from '../actors/proxy.js';
import { ActorsClient } from './actors.js';
import { BindingsClient } from './bindings.js';
import { ConfigurationClient } from './configuration.js';
import { HealthClient } from './health.js';
import { InvokeClient } from './invoke.js';
import { LockClient } from './lock.js';
import { MetadataClient } from './metadata.js';
import { PubSubClient } from './pubsub.js';
import { SecretsClient } from './secrets.js';
import { StateClient } from './state.js';
import { Transport, type CallOptions, type TransportOptions } from './transport.js';

export interface OutriggerClientOptions {
  /** 127.0.0.1 unless given. */
  readonly host?: string;
  /** `DAPR_HTTP_PORT`, else 3500. */
  readonly port?: number;
  /** `DAPR_API_TOKEN` unless given; sent as `dapr-api-token`. */
  readonly apiToken?: string;
  /** Each call's timeout unless the call sets its own; 60 s unless given. */
  readonly timeoutMs?: number;
}

const DEFAULT_PORT = 3500;
const DEFAULT_TIMEOUT_MS = 60_000;

export class OutriggerClient {
  readonly state: StateClient;
  readonly invoke: InvokeClient;
  readonly metadata: MetadataClient;
  readonly health: HealthClient;
  readonly actors: ActorsClient;
  readonly pubsub: PubSubClient;
  readonly bindings: BindingsClient;
  readonly secrets: SecretsClient;
  readonly configuration: ConfigurationClient;
  readonly lock: LockClient;
  readonly #transport: Transport;

  constructor(options: OutriggerClientOptions = {}) {
    this.#transport = new Transport(resolveOptions(options, process.env));
    this.state = new StateClient(this.#transport);
    this.invoke = new InvokeClient(this.#transport);
    this.metadata = new MetadataClient(this.#transport);
    this.health = new HealthClient(this.#transport);
    this.actors = new ActorsClient(this.#transport);
    this.pubsub = new PubSubClient(this.#transport);
    this.bindings = new BindingsClient(this.#transport);
    this.secrets = new SecretsClient(this.#transport);
    this.configuration = new ConfigurationClient(this.#transport);
    this.lock = new LockClient(this.#transport);
  }

  /**
   * A typed proxy of actor `type`/`id`: `client.actor<Counter>('Counter', 'c-1').increment(2)`.
   * `T` is the actor's class or an interface; `options` apply to every call of the proxy.
   */
  actor<T>(type: string, id: string, options: CallOptions = {}): ActorProxy<T> {
    return createActorProxy<T>(this.actors, type, id, options);
  }

  /** `host:port` of the sidecar this client talks to. */
  get address(): string {
    return this.#transport.address;
  }

  /** Closes the connections once calls in flight finish; later calls fail. Safe to call twice. */
  close(): Promise<void> {
    return this.#transport.close();
  }
}

function resolveOptions(options: OutriggerClientOptions, env: NodeJS.ProcessEnv): TransportOptions {
  const envPort = env['DAPR_HTTP_PORT'];
  const port = options.port ?? (envPort ? Number(envPort) : DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    const source = options.port !== undefined ? 'the port option' : 'DAPR_HTTP_PORT';
    throw new RangeError(`${source} must be a port number (1-65535), got ${options.port ?? envPort}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  return {
    host: options.host ?? '127.0.0.1',
    port,
    apiToken: options.apiToken ?? (env['DAPR_API_TOKEN'] || undefined),
    timeoutMs,
  };
}
