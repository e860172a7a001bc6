/**
 * Input bindings and configuration pushes, the sidecar's two other calls into an app:
 * `OPTIONS|POST /{binding}` (an event from outside) and `POST /configuration/{store}/{key}`
 * (a watched configuration item changed).
 */
import { parseJsonOrText } from '../client/content.js';
import { configurationItems, type ConfigurationItems } from '../client/configuration.js';
import { parseJsonObject } from '../errors.js';
import { errorMessage, metadataOf, safeDecode, type AppAnswer, type AppCallback, type AppRequest, type CallbackErrorListener } from './routes.js';

export interface BindingEvent<T = unknown> {
  /** The binding's name (as registered). */
  readonly name: string;
  /** The payload: JSON parsed when it parses, else its text; undefined when empty (a cron fire). */
  readonly data: T;
  /** The payload's bytes. */
  readonly body: Buffer;
  /** The event's metadata, e.g. `readtimeutc` for cron, `topic` for MQTT (lower-case names). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** What it returns is answered as JSON; a throw is a 500, so the component retries or requeues. */
export type BindingHandler<T = unknown> = (event: BindingEvent<T>) => unknown;

export interface ConfigurationUpdate {
  readonly store: string;
  /** The changed key (the request path's). */
  readonly key: string;
  /** The id `client.configuration.subscribe` answered. */
  readonly subscriptionId: string;
  readonly items: ConfigurationItems;
}

export type ConfigurationHandler = (update: ConfigurationUpdate) => unknown;

export function bindingCallback(name: string, handler: BindingHandler, onError: CallbackErrorListener): AppCallback {
  return async (request) => {
    const text = request.body.toString('utf8');
    const event: BindingEvent = { name, data: text === '' ? undefined : parseJsonOrText(text), body: request.body, metadata: metadataOf(request.headers) };
    return answerOf(() => handler(event), onError, `binding ${name}`);
  };
}

const CONFIGURATION_PATH = /^\/configuration\/([^/]+)\/([^/]+)$/;

/** Configuration handlers by store; `find` picks the one a push is for. */
export class ConfigurationHandlers {
  readonly #handlers = new Map<string, ConfigurationHandler>();

  constructor(private readonly onError: CallbackErrorListener) {}

  add(store: string, handler: ConfigurationHandler): void {
    if (typeof store !== 'string' || store === '') throw new TypeError('onConfiguration needs a store name');
    if (this.#handlers.has(store)) throw new Error(`configuration store ${store} already has a handler`);
    this.#handlers.set(store, handler);
  }

  find(method: string | undefined, path: string): AppCallback | undefined {
    const match = method === 'POST' ? CONFIGURATION_PATH.exec(path) : null;
    const [store, key] = (match?.slice(1) ?? []).map((part) => safeDecode(part));
    const handler = store === undefined ? undefined : this.#handlers.get(store);
    if (!handler || store === undefined || key === undefined) return undefined;
    return (request) => answerOf(() => handler(updateOf(store, key, request)), this.onError, `configuration ${store}`);
  }
}

function updateOf(store: string, key: string, request: AppRequest): ConfigurationUpdate {
  const body = parseJsonObject(request.body.toString('utf8')) ?? {};
  return { store, key, subscriptionId: typeof body['id'] === 'string' ? body['id'] : '', items: configurationItems(body['items']) };
}

async function answerOf(run: () => unknown, onError: CallbackErrorListener, callback: string): Promise<AppAnswer> {
  try {
    const result = await run();
    return result === undefined ? { status: 200 } : { status: 200, json: JSON.stringify(result) };
  } catch (err) {
    onError(err, callback);
    return { status: 500, json: JSON.stringify({ error: errorMessage(err) }) };
  }
}
