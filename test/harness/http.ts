export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (throws if it is not). */
  json<T = unknown>(): T;
}

export interface HttpCall {
  readonly json?: unknown;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
}

/** One HTTP request to a sidecar or app, with the whole answer read. */
export async function http(method: string, url: string, call: HttpCall = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...call.headers };
  let body: string | Buffer | undefined = call.body;
  if (call.json !== undefined) {
    body = JSON.stringify(call.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** Dapr's error body. */
export interface DaprErrorBody {
  readonly errorCode: string;
  readonly message: string;
}
