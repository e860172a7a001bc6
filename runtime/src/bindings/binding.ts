/**
 * The seam between the bindings building block and its components. A binding component may
 * face both ways: its output face runs operations the app asks for, its input face hands the
 * events it reads from the outside to a handler (which delivers them to the app).
 */

/** What a binding reports in `/v1.0/metadata` (Dapr's capability names). */
export type BindingFeature = 'INPUT_BINDING' | 'OUTPUT_BINDING';

/** An output call as the component sees it: `data` is already the JSON text of the request's data. */
export interface OutputRequest {
  readonly operation: string;
  readonly data: Buffer;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A component's answer. Both parts are optional: an answer without data is still a 200. */
export interface OutputResponse {
  readonly data?: Buffer;
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Error semantics: `invoke` rejects when the operation failed (server unreachable, bad request
 * metadata, the remote side refused). A BindingResponseError carries the metadata of the answer
 * that counted as a failure (an HTTP binding's 404 has a status code worth showing).
 */
export interface OutputBinding {
  /** The operations `invoke` accepts, compared case-sensitively as Dapr does. */
  readonly operations: readonly string[];
  /** Resolves with undefined when the operation has nothing to answer (the API sends 204). */
  invoke(request: OutputRequest): Promise<OutputResponse | undefined>;
  close(): Promise<void>;
}

/** One event read from the outside. */
export interface BindingEvent {
  readonly data: Buffer;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Delivers one event. Resolves with the app's response body once the app took the event;
 * rejects when it did not (the component then nacks or retries, as its broker allows).
 */
export type BindingEventHandler = (event: BindingEvent) => Promise<Buffer>;

export interface InputBinding {
  /** Starts reading; events go to `handler` until close. Resolves once reading has started. */
  start(handler: BindingEventHandler): Promise<void>;
  close(): Promise<void>;
}

/** A loaded binding component: the faces its `direction` asked for. */
export interface Binding {
  readonly features: readonly BindingFeature[];
  readonly input?: InputBinding | undefined;
  readonly output?: OutputBinding | undefined;
  close(): Promise<void>;
}

/** An operation failed, with the metadata of the answer that made it fail. */
export class BindingResponseError extends Error {
  override readonly name = 'BindingResponseError';
  constructor(
    message: string,
    readonly metadata: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}
