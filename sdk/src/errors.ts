/**
 * Everything the SDK throws. Callers branch on the class (`instanceof EtagMismatchError`)
 * or on Dapr's `errorCode`, never on `message`, which is the sidecar's prose and may change.
 *
 *   OutriggerError
 *   ├─ SidecarError          the sidecar answered with a Dapr error body
 *   │  └─ EtagMismatchError  a save or delete lost an optimistic-concurrency race (409)
 *   ├─ AppError              the invoked app answered with a non-2xx status
 *   ├─ ActorError            an actor method threw; carries the thrown error's name and message
 *   └─ TransportError        no answer at all: refused, reset, …
 *      └─ RequestTimeoutError
 */

/** The base of every error this SDK throws, so one `instanceof` catches them all. */
export class OutriggerError extends Error {
  override name = 'OutriggerError';
}

/** One entry of Dapr's `details`: a google.rpc message such as ErrorInfo or ResourceInfo. */
export interface ErrorDetail {
  readonly '@type'?: string;
  readonly [field: string]: unknown;
}

export interface SidecarErrorInit {
  readonly status: number;
  readonly errorCode: string;
  readonly message: string;
  readonly details?: readonly ErrorDetail[];
}

/** Dapr's error code for answers whose body is not Dapr's `{errorCode, message}` JSON. */
export const UNKNOWN_ERROR_CODE = 'ERR_UNKNOWN';

/** The sidecar refused or failed a request and said why in Dapr's error body. */
export class SidecarError extends OutriggerError {
  override name = 'SidecarError';
  /** The HTTP status of the sidecar's answer. */
  readonly status: number;
  /** Dapr's stable code, e.g. `ERR_STATE_STORE_NOT_FOUND`; `ERR_UNKNOWN` if it sent none. */
  readonly errorCode: string;
  /** Dapr's structured details (empty when it sent none). */
  readonly details: readonly ErrorDetail[];

  constructor(init: SidecarErrorInit) {
    super(init.message);
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.details = init.details ?? [];
  }
}

/**
 * The store refused a write because the item changed since it was read (or, with
 * first-write concurrency, already exists). Re-read and retry, or give up.
 */
export class EtagMismatchError extends SidecarError {
  override name = 'EtagMismatchError';
}

/** What the invoked app answered, when it was not a 2xx. */
export interface AppErrorInit {
  readonly appId: string;
  readonly method: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: unknown;
}

/** The invoked app itself answered with a non-2xx status; the sidecar did its job. */
export class AppError extends OutriggerError {
  override name = 'AppError';
  readonly appId: string;
  readonly method: string;
  /** The app's HTTP status, passed through the sidecar unchanged. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The app's response body, decoded as `invoke.request` decodes it. */
  readonly data: unknown;

  constructor(init: AppErrorInit) {
    super(`app ${init.appId} answered ${init.status} to ${init.method}`);
    this.appId = init.appId;
    this.method = init.method;
    this.status = init.status;
    this.headers = init.headers;
    this.data = init.data;
  }
}

export interface ActorErrorInit {
  readonly actorType: string;
  readonly actorId: string;
  readonly method: string;
  /** The `name` of the error the actor threw, e.g. `InsufficientFundsError`. */
  readonly name: string;
  readonly message: string;
  /** The thrown error's Dapr `errorCode`, when it had one (a SidecarError inside the actor). */
  readonly errorCode?: string;
}

/**
 * An actor method threw. `name` and `message` are the thrown error's, so callers can branch
 * on `err.name` as they would locally; `instanceof ActorError` tells it from sidecar failures.
 */
export class ActorError extends OutriggerError {
  readonly actorType: string;
  readonly actorId: string;
  readonly method: string;
  readonly errorCode: string | undefined;

  constructor(init: ActorErrorInit) {
    super(init.message);
    this.name = init.name;
    this.actorType = init.actorType;
    this.actorId = init.actorId;
    this.method = init.method;
    this.errorCode = init.errorCode;
  }
}

/** The request got no answer: the sidecar is unreachable or the connection broke. */
export class TransportError extends OutriggerError {
  override name = 'TransportError';
}

/** The request got no answer within its timeout. */
export class RequestTimeoutError extends TransportError {
  override name = 'RequestTimeoutError';

  constructor(
    message: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The only codes Dapr answers 409 with for a lost concurrency race on state. */
const ETAG_MISMATCH_CODES = new Set(['ERR_STATE_SAVE', 'ERR_STATE_DELETE']);

/** Turns a sidecar's non-2xx answer into the most specific error class. */
export function errorFromResponse(status: number, bodyText: string): SidecarError {
  const init = parseErrorBody(status, bodyText) ?? unknownError(status, bodyText);
  if (status === 409 && ETAG_MISMATCH_CODES.has(init.errorCode)) return new EtagMismatchError(init);
  return new SidecarError(init);
}

/**
 * Dapr's `{errorCode, message, details?}` body, or undefined if the text is not one. It is
 * also how invocation tells the sidecar's own failures from the app's passed-through answers.
 */
export function parseErrorBody(status: number, bodyText: string): SidecarErrorInit | undefined {
  const body = parseJsonObject(bodyText);
  const errorCode = body?.['errorCode'];
  if (!body || typeof errorCode !== 'string' || errorCode === '') return undefined;
  return {
    status,
    errorCode,
    message: typeof body['message'] === 'string' ? body['message'] : '',
    details: Array.isArray(body['details']) ? body['details'].filter(isDetail) : [],
  };
}

function unknownError(status: number, bodyText: string): SidecarErrorInit {
  const text = bodyText.trim();
  return { status, errorCode: UNKNOWN_ERROR_CODE, message: text === '' ? `the sidecar answered HTTP ${status} with no body` : text };
}

/** The text's JSON object, or undefined when it holds none. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isDetail(value: unknown): value is ErrorDetail {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
