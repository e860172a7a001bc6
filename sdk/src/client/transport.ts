/**
 * The client's one connection to the sidecar: a keep-alive undici Pool, the API token, the
 * per-call deadline, and the turning of failures into the SDK's errors. Sub-clients speak
 * Dapr paths through it and never touch undici themselves.
 */
import { Pool } from 'undici';
import { errorFromResponse, RequestTimeoutError, TransportError } from '../errors.js';

/** What every call accepts, besides its own options. */
export interface CallOptions {
  /** Cancels the call early; it rejects with the signal's reason. The timeout still applies. */
  readonly signal?: AbortSignal;
  /** This call's timeout, instead of the client's `timeoutMs`. */
  readonly timeoutMs?: number;
}

export type QueryValue = string | number | boolean;

/** Query parameters; an array repeats the parameter, undefined leaves it out. */
export type QueryParams = Readonly<Record<string, QueryValue | readonly QueryValue[] | undefined>>;

/** Metadata for the component, sent as `metadata.<key>` query parameters. */
export type RequestMetadata = Readonly<Record<string, string>>;

export interface SidecarRequest extends CallOptions {
  readonly method: string;
  /** Already URL-encoded, from `/v1.0/…`. */
  readonly path: string;
  readonly query?: URLSearchParams;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export interface SidecarResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly apiToken: string | undefined;
  readonly timeoutMs: number;
}

export class Transport {
  readonly #pool: Pool;
  readonly #options: TransportOptions;
  #closing: Promise<void> | undefined;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#pool = new Pool(`http://${hostForUrl(options.host)}:${options.port}`);
  }

  /** `host:port`, for messages. */
  get address(): string {
    return `${hostForUrl(this.#options.host)}:${this.#options.port}`;
  }

  /** Any status comes back as is; only getting no answer throws. */
  async send(request: SidecarRequest): Promise<SidecarResponse> {
    request.signal?.throwIfAborted();
    const { signal, dispose } = this.#deadline(request);
    try {
      const response = await this.#pool.request({
        method: request.method,
        path: withQuery(request.path, request.query),
        headers: this.#headers(request.headers),
        body: request.body ?? null,
        signal,
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      return { status: response.statusCode, headers: flattenHeaders(response.headers), body };
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new TransportError(`${request.method} ${request.path}: no answer from the sidecar at ${this.address}: ${describe(err)}`, { cause: err });
    } finally {
      dispose();
    }
  }

  /** As `send`, but a non-2xx answer is thrown as the sidecar's error. */
  async call(request: SidecarRequest): Promise<SidecarResponse> {
    const response = await this.send(request);
    if (!isSuccess(response.status)) throw errorFromResponse(response.status, response.body.toString('utf8'));
    return response;
  }

  /** Idempotent; waits for calls in flight to finish. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.close();
    return this.#closing;
  }

  /**
   * One signal for the call that aborts with the caller's reason or a RequestTimeoutError,
   * whichever comes first, so the catch can rethrow `signal.reason` as is.
   */
  #deadline(request: SidecarRequest): { signal: AbortSignal; dispose: () => void } {
    const timeoutMs = request.timeoutMs ?? this.#options.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new RequestTimeoutError(`${request.method} ${request.path}: no answer from the sidecar at ${this.address} within ${timeoutMs} ms`, timeoutMs));
    }, timeoutMs);
    const cancel = () => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', cancel, { once: true });
    return {
      signal: controller.signal,
      dispose: () => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', cancel);
      },
    };
  }

  #headers(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    const token = this.#options.apiToken;
    return token ? { ...extra, 'dapr-api-token': token } : { ...extra };
  }
}

/** Only the per-call fields, so a sub-client's other options never leak into a request. */
export function callOptions({ signal, timeoutMs }: CallOptions): CallOptions {
  return { ...(signal ? { signal } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** `metadata.<key>` parameters (Dapr's way of passing component metadata in a URL) plus others. */
export function queryFrom(params: QueryParams = {}, metadata: RequestMetadata = {}): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) query.append(name, String(one));
  }
  for (const [key, value] of Object.entries(metadata)) query.append(`metadata.${key}`, value);
  return query;
}

/** A path from segments, each URL-encoded so keys and names may hold `/`, `?`, spaces, … */
export function pathOf(...segments: readonly string[]): string {
  return segments.map((s) => `/${encodeURIComponent(s)}`).join('');
}

/** Keeps the `/` separators and encodes each segment, so `orders/a b` becomes `orders/a%20b`. */
export function nestedPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function withQuery(path: string, query: URLSearchParams | undefined): string {
  const text = query?.toString() ?? '';
  return text === '' ? path : `${path}?${text}`;
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}
