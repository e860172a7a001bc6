/**
 * ActorHost: serves the app side of Dapr's actor protocol for the actor types registered on
 * it, on a port of its own (`listen`) or inside an existing server: `handler` is a Node
 * request listener and Express middleware, `koa()` a Koa middleware.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Actor } from '../actors/actor.js';
import { OutriggerClient } from '../client/client.js';
import { OutriggerError, RequestTimeoutError } from '../errors.js';
import { Activations, type ActorClass } from './activations.js';
import { callbackOf, serveCallback } from './callbacks.js';
import { checkSettings, daprActorConfig, type ActorSettings, type DaprActorConfig } from './config.js';

export interface ActorHostOptions extends ActorSettings {
  /** The client of this app's sidecar; one from the environment (DAPR_HTTP_PORT) unless given. */
  readonly client?: OutriggerClient;
}

/** The minimum of a Koa context the middleware needs, so the SDK does not depend on Koa. */
export interface KoaContextLike {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly request?: { readonly body?: unknown };
  respond?: boolean;
}

type Next = (err?: unknown) => unknown;

export class ActorHost {
  readonly #classes = new Map<string, ActorClass>();
  readonly #settings = new Map<string, ActorSettings | undefined>();
  readonly #defaults: ActorSettings;
  readonly #client: OutriggerClient;
  readonly #ownsClient: boolean;
  readonly #activations: Activations;
  #configServed = false;
  #server: Server | undefined;

  constructor({ client, ...defaults }: ActorHostOptions = {}) {
    checkSettings(defaults, 'ActorHost');
    this.#defaults = defaults;
    this.#ownsClient = client === undefined;
    this.#client = client ?? new OutriggerClient();
    this.#activations = new Activations(this.#classes, this.#client);
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
    const callback = callbackOf(req.method, req.url);
    if (!callback) {
      if (next) return void next();
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not an actor callback');
    }
    void readBody(req, (req as { body?: unknown }).body).then(
      (body) => this.#serve(callback, req, res, body),
      (err: Error) => res.writeHead(400, { 'content-type': 'text/plain' }).end(`cannot read the request: ${err.message}`),
    );
  };

  /** A Koa middleware: `app.use(host.koa())`. Other requests pass on to `next`. */
  koa(): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<void> {
    return async (ctx, next) => {
      const callback = callbackOf(ctx.req.method, ctx.req.url);
      if (!callback) return void (await next());
      ctx.respond = false;
      await this.#serve(callback, ctx.req, ctx.res, await readBody(ctx.req, ctx.request?.body));
    };
  }

  /** Serves on `port` (0 picks a free one) and resolves with the port bound. */
  async listen(port = Number(process.env['APP_PORT'] ?? 0), hostname = '127.0.0.1'): Promise<number> {
    if (this.#server) throw new Error('the actor host is already listening');
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
  async waitUntilHosted({ timeoutMs = 60_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.#hosted())) {
      if (Date.now() >= deadline) throw new RequestTimeoutError(`the sidecar at ${this.#client.address} did not host ${[...this.#classes.keys()].join(', ')} within ${timeoutMs} ms`, timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async #hosted(): Promise<boolean> {
    try {
      const hosted = new Set((await this.#client.metadata.get({ timeoutMs: 5000 })).actors.map((a) => a.type));
      return [...this.#classes.keys()].every((type) => hosted.has(type));
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

  async #serve(callback: NonNullable<ReturnType<typeof callbackOf>>, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if (callback.kind === 'config') this.#configServed = true;
    await serveCallback(callback, req, res, body, { activations: this.#activations, config: () => this.config });
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
