/**
 * The app callbacks besides actors: a table of exact paths (pub/sub routes, input bindings)
 * whose callbacks answer with an AppAnswer, so they never touch Node's response themselves.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export interface AppRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface AppAnswer {
  readonly status: number;
  /** JSON text; no body when undefined. */
  readonly json?: string;
}

export type AppCallback = (request: AppRequest) => Promise<AppAnswer>;

/** Called with what a handler threw, and which callback it was, so failures are not silent. */
export type CallbackErrorListener = (error: unknown, callback: string) => void;

const EMPTY_OK: AppAnswer = { status: 200 };

export class RouteTable {
  readonly #post = new Map<string, AppCallback>();
  /** Paths that answer the sidecar's `OPTIONS` probe (input bindings). */
  readonly #probed = new Set<string>();

  /** Adds `POST path`; a path is served by one callback only. */
  add(route: string, callback: AppCallback, { probe = false }: { probe?: boolean } = {}): void {
    const path = routePath(route);
    if (this.#post.has(path)) throw new Error(`the route ${path} is already served by another subscription or binding`);
    this.#post.set(path, callback);
    if (probe) this.#probed.add(path);
  }

  has(route: string): boolean {
    return this.#post.has(routePath(route));
  }

  find(method: string | undefined, path: string): AppCallback | undefined {
    const known = [path, decodedPath(path)].find((p) => p !== undefined && this.#post.has(p));
    if (known === undefined) return undefined;
    if (method === 'OPTIONS' && this.#probed.has(known)) return () => Promise.resolve(EMPTY_OK);
    return method === 'POST' ? this.#post.get(known) : undefined;
  }
}

/** A route as the sidecar will call it: with one leading `/`. */
export function routePath(route: string): string {
  return `/${route.replace(/^\/+/, '')}`;
}

/** The path of a request URL, without its query. */
export function pathOfUrl(url: string | undefined): string {
  return (url ?? '/').split('?')[0]!;
}

export function writeAnswer(res: ServerResponse, answer: AppAnswer): void {
  if (answer.json === undefined) return void res.writeHead(answer.status, { 'content-length': 0 }).end();
  res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.json);
}

/** What the transport adds to every request; the rest of the headers are the event's metadata. */
const TRANSPORT_HEADERS = new Set(['host', 'connection', 'keep-alive', 'content-length', 'content-type', 'transfer-encoding', 'accept', 'accept-encoding', 'user-agent']);

/** An event's metadata as the sidecar sends it: headers, with lower-case names. */
export function metadataOf(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !TRANSPORT_HEADERS.has(name)) metadata[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return metadata;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A URL path segment decoded, or undefined when its escapes are malformed. */
export function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

function decodedPath(path: string): string | undefined {
  const parts = path.split('/').map(safeDecode);
  return parts.includes(undefined) ? undefined : parts.join('/');
}
