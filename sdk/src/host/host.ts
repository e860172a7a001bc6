/**
 * AppServer (also exported as ActorHost, its first name): every call a sidecar makes into its
 * app — actor callbacks, pub/sub deliveries (`/dapr/subscribe` and the routes it lists), input
 * binding events and configuration pushes — served on a port of its own (`listen`) or inside an
 * existing server: `handler` is a Node request listener and Express middleware, `koa()` a Koa
 * middleware.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Actor } from '../actors/actor.js';
import { OutriggerClient } from '../client/client.js';
import type { MetadataDocument } from '../client/metadata.js';
import { OutriggerError, RequestTimeoutError } from '../errors.js';
import { Activations, type ActorClass } from './activations.js';
import { bindingCallback, ConfigurationHandlers, type BindingHandler, type ConfigurationHandler } from './app-callbacks.js';
import { callbackOf, serveCallback, type Callback } from './callbacks.js';
import { checkSettings, daprActorConfig, type ActorSettings, type DaprActorConfig } from './config.js';
import { pathOfUrl, RouteTable, writeAnswer, type AppCallback, type CallbackErrorListener } from './routes.js';
import { subscription, type DaprSubscription, type SubscribeOptions } from './subscriptions.js';
import type { TopicHandler } from './topic-events.js';

export interface AppServerOptions extends ActorSettings {
  /** The client of this app's sidecar; one from the environment (DAPR_HTTP_PORT) unless given. */
  readonly client?: OutriggerClient;
  /**
   * Told what a topic, binding or configuration handler threw (the sidecar only learns
   * "retry" or a 500); `console.error` unless given.
   */
  readonly onError?: CallbackErrorListener;
}

/** The options of the actor-only name. */
export type ActorHostOptions = AppServerOptions;

/** What a request is for: an actor callback, or one of the app's other callbacks. */
type Route = { readonly actor: Callback } | { readonly app: AppCallback };

/** The minimum of a Koa context the middleware needs, so the SDK does not depend on Koa. */
export interface KoaContextLike {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly request?: { readonly body?: unknown };
  respond?: boolean;
}

type Next = (err?: unknown) => unknown;

export interface WaitOptions {
  /** 60 s unless given. */
  readonly timeoutMs?: number;
  /** How often to ask the sidecar; 100 ms unless given. */
  readonly intervalMs?: number;
}

export class AppServer {
  readonly #classes = new Map<string, ActorClass>();
  readonly #settings = new Map<string, ActorSettings | undefined>();
  readonly #defaults: ActorSettings;
  readonly #client: OutriggerClient;
  readonly #ownsClient: boolean;
  readonly #activations: Activations;
  readonly #routes = new RouteTable();
  readonly #subscriptions: DaprSubscription[] = [];
  readonly #configuration: ConfigurationHandlers;
  readonly #onError: CallbackErrorListener;
  #configServed = false;
  #subscriptionsRead = false;
  #server: Server | undefined;

  constructor({ client, onError, ...defaults }: AppServerOptions = {}) {
    checkSettings(defaults, 'AppServer');
    this.#defaults = defaults;
    this.#ownsClient = client === undefined;
    this.#client = client ?? new OutriggerClient();
    this.#activations = new Activations(this.#classes, this.#client);
    this.#onError = onError ?? ((err, callback) => console.error(`@outrigger/sdk: the ${callback} handler failed:`, err));
    this.#configuration = new ConfigurationHandlers(this.#onError);
  }

  /** The client actors of this host use; proxies made from it carry their turn's call chain. */
  get client(): OutriggerClient {
    return this.#client;
  }

  /**
   * Hosts `actorClass` as actor type `type`. The name is explicit, never `class.name`, so
   * minifying or renaming the class cannot change it. Register every type before the sidecar
   * first asks for `/dapr/config`: it asks once.
   */
  register(type: string, actorClass: ActorClass, settings?: ActorSettings): this {
    if (typeof type !== 'string' || type === '' || type.includes('/') || type.includes('||')) throw new TypeError(`an actor type name must be non-empty without '/' or '||', got ${JSON.stringify(type)}`);
    if (!(actorClass?.prototype instanceof Actor)) throw new TypeError(`${type}: the actor class must extend Actor`);
    if (this.#classes.has(type)) throw new Error(`actor type ${type} is already registered`);
    if (this.#configServed) throw new Error(`actor type ${type} registered after the sidecar read /dapr/config; register every type before listening`);
    if (settings) checkSettings(settings, type);
    this.#classes.set(type, actorClass);
    this.#settings.set(type, settings);
    return this;
  }

  /**
   * Delivers `topic` of `pubsub` to `handler`: returning nothing acknowledges, a throw retries,
   * `'DROP'` or a DropEventError drops. Subscribe before the sidecar first asks for
   * `/dapr/subscribe`: it asks once, when the app's port opens.
   */
  subscribe<T = unknown>(pubsub: string, topic: string, handler: TopicHandler<T>, options: SubscribeOptions = {}): this {
    if (this.#subscriptions.some((s) => s.pubsubname === pubsub && s.topic === topic)) throw new Error(`topic ${topic} of ${pubsub} is already subscribed`);
    if (this.#subscriptionsRead) throw new Error(`topic ${topic} of ${pubsub} subscribed after the sidecar read /dapr/subscribe; subscribe before listening`);
    const { entry, routes } = subscription(pubsub, topic, handler as TopicHandler, options, this.#onError);
    const paths = routes.map((route) => route.path);
    const taken = paths.find((path, i) => this.#routes.has(path) || paths.indexOf(path) !== i);
    if (taken) throw new Error(`the route ${taken} is already served by another subscription or binding`);
    for (const route of routes) this.#routes.add(route.path, route.callback);
    this.#subscriptions.push(entry);
    return this;
  }

  /**
   * Delivers the events of input binding `name` to `handler`: what it returns is answered as
   * JSON, a throw answers 500 so the component retries or requeues. `route` is the binding's
   * own `route` metadata when it sets one.
   */
  onBinding<T = unknown>(name: string, handler: BindingHandler<T>, { route }: { route?: string } = {}): this {
    if (typeof name !== 'string' || name === '') throw new TypeError('onBinding needs a binding name');
    this.#routes.add(route ?? name, bindingCallback(name, handler as BindingHandler, this.#onError), { probe: true });
    return this;
  }

  /** Hands the changes the sidecar pushes for `store` to `handler` (see `client.configuration.subscribe`). */
  onConfiguration(store: string, handler: ConfigurationHandler): this {
    this.#configuration.add(store, handler);
    return this;
  }

  /** The `GET /dapr/subscribe` answer. */
  get subscriptions(): readonly DaprSubscription[] {
    return this.#subscriptions;
  }

  /** The `GET /dapr/config` answer. */
  get config(): DaprActorConfig {
    return daprActorConfig(this.#defaults, this.#settings);
  }

  /** How many actors are active in this host right now. */
  get activeActors(): number {
    return this.#activations.size;
  }

  /**
   * A Node request listener (`http.createServer(host.handler)`) and Express middleware
   * (`app.use(host.handler)`): requests that are not actor callbacks go to `next`, or get 404.
   */
  readonly handler = (req: IncomingMessage, res: ServerResponse, next?: Next): void => {
    const route = this.#route(req);
    if (!route) {
      if (next) return void next();
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not a sidecar callback');
    }
    void readBody(req, (req as { body?: unknown }).body).then(
      (body) => this.#serve(route, req, res, body),
      (err: Error) => res.writeHead(400, { 'content-type': 'text/plain' }).end(`cannot read the request: ${err.message}`),
    );
  };

  /** A Koa middleware: `app.use(host.koa())`. Other requests pass on to `next`. */
  koa(): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void> {
    return async (ctx, next) => {
      const route = this.#route(ctx.req);
      if (!route) return void (await next());
      ctx.respond = false;
      await this.#serve(route, ctx.req, ctx.res, await readBody(ctx.req, ctx.request?.body));
    };
  }

  /** Serves on `port` (0 picks a free one) and resolves with the port bound. */
  async listen(port = Number(process.env['APP_PORT'] ?? 0), hostname = '127.0.0.1'): Promise<number> {
    if (this.#server) throw new Error('the app server is already listening');
    const server = createServer(this.handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostname, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    return (server.address() as AddressInfo).port;
  }

  /**
   * Resolves once the sidecar reports every registered type as hosted (its metadata lists
   * them), so calls to these actors can be routed; for apps that call their own actors at
   * start-up. Rejects with RequestTimeoutError after `timeoutMs`.
   */
  waitUntilHosted(options: WaitOptions = {}): Promise<void> {
    const types = [...this.#classes.keys()];
    return this.#waitForMetadata(`host ${types.join(', ')}`, options, (metadata) => {
      const hosted = new Set(metadata.actors.map((a) => a.type));
      return types.every((type) => hosted.has(type));
    });
  }

  /**
   * Resolves once the sidecar reports every subscription as running (its metadata lists it),
   * so nothing published from then on misses this app, even on a broker that keeps no history
   * (pubsub.in-memory). Rejects with RequestTimeoutError after `timeoutMs`.
   */
  waitUntilSubscribed(options: WaitOptions = {}): Promise<void> {
    const wanted = this.#subscriptions.map((s) => `${s.pubsubname}\u0000${s.topic}`);
    return this.#waitForMetadata(`subscribe to ${this.#subscriptions.map((s) => `${s.pubsubname}/${s.topic}`).join(', ')}`, options, (metadata) => {
      const listed = Array.isArray(metadata['subscriptions']) ? (metadata['subscriptions'] as Array<Record<string, unknown>>) : [];
      const running = new Set(listed.map((s) => `${String(s['pubsubname'])}\u0000${String(s['topic'])}`));
      return wanted.every((key) => running.has(key));
    });
  }

  async #waitForMetadata(what: string, { timeoutMs = 60_000, intervalMs = 100 }: WaitOptions, done: (metadata: MetadataDocument) => boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.#metadataShows(done))) {
      if (Date.now() >= deadline) throw new RequestTimeoutError(`the sidecar at ${this.#client.address} did not ${what} within ${timeoutMs} ms`, timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async #metadataShows(done: (metadata: MetadataDocument) => boolean): Promise<boolean> {
    try {
      return done(await this.#client.metadata.get({ timeoutMs: 5000 }));
    } catch (err) {
      if (err instanceof OutriggerError) return false;
      throw err;
    }
  }

  /** Stops listening (if it was) and closes the client it made itself. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    if (this.#ownsClient) await this.#client.close();
  }

  #route(req: IncomingMessage): Route | undefined {
    const actor = callbackOf(req.method, req.url);
    if (actor) return { actor };
    const path = pathOfUrl(req.url);
    if (req.method === 'GET' && path === '/dapr/subscribe') return this.#subscriptionList();
    const app = this.#routes.find(req.method, path) ?? this.#configuration.find(req.method, path);
    return app ? { app } : undefined;
  }

  /** An app without subscriptions leaves `/dapr/subscribe` to its own routes (or a 404: none). */
  #subscriptionList(): Route | undefined {
    this.#subscriptionsRead = true;
    if (this.#subscriptions.length === 0) return undefined;
    return { app: () => Promise.resolve({ status: 200, json: JSON.stringify(this.#subscriptions) }) };
  }

  async #serve(route: Route, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if ('app' in route) return writeAnswer(res, await route.app({ path: pathOfUrl(req.url), headers: req.headers, body }));
    if (route.actor.kind === 'config') this.#configServed = true;
    await serveCallback(route.actor, req, res, body, { activations: this.#activations, config: () => this.config });
  }
}

/**
 * The request body, read from the stream or, when a body parser (Express, Koa) already read
 * it, from what the parser left.
 */
async function readBody(req: IncomingMessage, parsed: unknown): Promise<Buffer> {
  if (req.readableEnded || parsed !== undefined) return parsedBody(parsed);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parsedBody(parsed: unknown): Buffer {
  if (parsed === undefined || parsed === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(parsed)) return parsed;
  if (typeof parsed === 'string') return Buffer.from(parsed);
  // A parser that saw no body leaves {}: that is no arguments, not one empty object.
  if (typeof parsed === 'object' && !Array.isArray(parsed) && Object.keys(parsed).length === 0) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(parsed));
}
