/**
 * `client.bindings`: output bindings (`POST /v1.0/bindings/{name}`): one operation of an outside
 * system (write a Redis key, run SQL, call a URL), answered with data and response metadata.
 */
import { parseJsonOrText } from './content.js';
import { callOptions, pathOf, type CallOptions, type RequestMetadata, type Transport } from './transport.js';

export interface BindingResponse<T = unknown> {
  /**
   * What the component returned: JSON parsed when it parses, else its text; undefined when it
   * returned nothing. `T` is the caller's word for what the component sends.
   */
  readonly data: T;
  /** The response metadata (the sidecar's `metadata.<key>` headers); keys are lower case, as HTTP leaves them. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The answer's bytes, for components that return binary data. */
  readonly body: Buffer;
}

const METADATA_HEADER = 'metadata.';

export class BindingsClient {
  constructor(private readonly transport: Transport) {}

  /**
   * Runs `operation` on binding `name` with `data` (any JSON value) and request `metadata`.
   * An unknown binding or operation, or a failing component, is a SidecarError
   * `ERR_INVOKE_OUTPUT_BINDING`.
   */
  async invoke<T = unknown>(name: string, operation: string, data?: unknown, metadata: RequestMetadata = {}, options: CallOptions = {}): Promise<BindingResponse<T>> {
    if (data instanceof Uint8Array) throw new TypeError('binding data travels as JSON: pass bytes as a string (e.g. base64), not a Uint8Array');
    const response = await this.transport.call({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0/bindings${pathOf(name)}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation, ...(data !== undefined ? { data } : {}), metadata }),
    });
    const text = response.body.toString('utf8');
    return { data: (text === '' ? undefined : parseJsonOrText(text)) as T, metadata: responseMetadata(response.headers), body: response.body };
  }
}

function responseMetadata(headers: Readonly<Record<string, string>>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(METADATA_HEADER)) metadata[name.slice(METADATA_HEADER.length)] = value;
  }
  return metadata;
}
