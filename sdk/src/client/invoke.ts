/**
 * `client.invoke`: service invocation through the sidecar (`/v1.0/invoke/{app}/method/…`).
 * The app's answer passes through the sidecar unchanged, so a non-2xx here is either the
 * sidecar's own failure (a Dapr error body: SidecarError) or the app's answer (AppError).
 */
import { AppError, errorFromResponse, parseErrorBody } from '../errors.js';
import { decodeBody, encodeBody } from './content.js';
import { callOptions, isSuccess, nestedPath, queryFrom, type CallOptions, type QueryParams, type SidecarResponse, type Transport } from './transport.js';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface InvokeOptions extends CallOptions {
  /** POST when there is a body, GET otherwise. */
  readonly verb?: HttpVerb;
  /**
   * A Uint8Array (or Buffer) is sent as bytes, a string as text, anything else as JSON;
   * the content type follows unless `headers` sets one.
   */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: QueryParams;
}

export interface InvokeResponse<T = unknown> {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Decoded by content type: JSON parsed, text as a string, anything else a Buffer, and
   * undefined when there is no body. `T` is the caller's word for what the app sends.
   */
  readonly data: T;
}

export class InvokeClient {
  constructor(private readonly transport: Transport) {}

  /** The app's answer whatever its status; throws only if the sidecar itself failed. */
  async request<T = unknown>(appId: string, method: string, options: InvokeOptions = {}): Promise<InvokeResponse<T>> {
    const body = encodeBody(options.body);
    const response = await this.transport.send({
      ...callOptions(options),
      method: options.verb ?? (body ? 'POST' : 'GET'),
      path: `/v1.0/invoke/${encodeURIComponent(appId)}/method/${nestedPath(method.replace(/^\/+/, ''))}`,
      query: queryFrom(options.query),
      headers: { ...(body ? { 'content-type': body.contentType } : {}), ...lowerCaseNames(options.headers) },
      ...(body ? { body: body.bytes } : {}),
    });
    throwIfSidecarFailed(response);
    return { status: response.status, headers: response.headers, data: decodeBody(response.body, response.headers['content-type']) as T };
  }

  /** The app's decoded answer; a non-2xx from the app throws AppError carrying its status. */
  async call<T = unknown>(appId: string, method: string, options: InvokeOptions = {}): Promise<T> {
    const response = await this.request<T>(appId, method, options);
    if (!isSuccess(response.status)) throw new AppError({ appId, method, ...response });
    return response.data;
  }
}

function throwIfSidecarFailed(response: SidecarResponse): void {
  if (isSuccess(response.status)) return;
  const text = response.body.toString('utf8');
  if (parseErrorBody(response.status, text)) throw errorFromResponse(response.status, text);
}

function lowerCaseNames(headers: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
