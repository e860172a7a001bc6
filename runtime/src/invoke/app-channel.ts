import { Pool, errors as undiciErrors } from 'undici';
import type { HeaderMap } from './http-headers.js';
import { forwardableHeaders } from './http-headers.js';

/** A request to the app, with the method path already normalised (no leading slash). */
export interface AppRequest {
  readonly verb: string;
  readonly path: string;
  /** The raw query string, without `?`; forwarded unchanged. */
  readonly query: string;
  readonly headers: HeaderMap;
  readonly body: Buffer;
  /** Abandons the call (the remote caller's deadline passed, or its link dropped). */
  readonly signal?: AbortSignal | undefined;
}

export interface AppResponse {
  readonly status: number;
  readonly headers: HeaderMap;
  readonly body: Buffer;
}

/** Raised when the app cannot be reached at all (as opposed to answering with an error). */
export class AppUnreachableError extends Error {
  override readonly name = 'AppUnreachableError';
}

export interface AppChannelOptions {
  readonly address: string;
  readonly port: number;
  /** Longest wait for the app's response headers, then for its body. */
  readonly timeoutMs: number;
}

/**
 * The sidecar's connection pool to its own app. Callers get the app's status, headers and
 * body as they are: an app's 4xx/5xx is a response, not an error.
 */
export class AppChannel {
  readonly #pool: Pool;
  readonly origin: string;

  constructor(options: AppChannelOptions) {
    this.origin = `http://${options.address.includes(':') ? `[${options.address}]` : options.address}:${options.port}`;
    this.#pool = new Pool(this.origin, {
      connections: 128,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async call(request: AppRequest): Promise<AppResponse> {
    try {
      const response = await this.#pool.request({
        method: request.verb as 'GET',
        path: `/${request.path}${request.query ? `?${request.query}` : ''}`,
        headers: request.headers,
        body: request.body.length > 0 || !['GET', 'HEAD'].includes(request.verb) ? request.body : null,
        signal: request.signal ?? null,
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      return { status: response.statusCode, headers: forwardableHeaders(response.headers as HeaderMap), body };
    } catch (err) {
      throw new AppUnreachableError(describeFailure(err, this.origin, request.signal), { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

function describeFailure(err: unknown, origin: string, signal: AbortSignal | undefined): string {
  if (signal?.aborted) return `the call to the app at ${origin} was abandoned: the caller stopped waiting`;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return `the app at ${origin} did not answer in time`;
  }
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (code === 'ECONNREFUSED') return `the app at ${origin} refused the connection (is it listening?)`;
  return `the app at ${origin} could not be reached: ${(err as Error).message}`;
}
