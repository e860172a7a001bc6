/**
 * The one error type that crosses the sidecar's HTTP edge. Every building block throws these
 * (built by the catalogue), and the single error middleware turns them into Dapr's
 * `{errorCode, message, details?}` bodies. Retry decisions read `code`, never `message`.
 */
export interface ErrorDetail {
  readonly '@type': string;
  readonly [field: string]: unknown;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** Dapr's `errorCode`, e.g. `ERR_STATE_STORE_NOT_FOUND`. */
    readonly code: string,
    /** The HTTP status Dapr answers with for this error. */
    readonly status: number,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { errorCode: string; message: string; details?: readonly ErrorDetail[] } {
    return this.details.length > 0
      ? { errorCode: this.code, message: this.message, details: this.details }
      : { errorCode: this.code, message: this.message };
  }
}

/** Dapr's "kit" errors carry a google.rpc.ErrorInfo detail with a stable reason. */
export function errorInfo(reason: string, metadata: Record<string, string> = {}): ErrorDetail {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'dapr.io', metadata };
}

export function resourceInfo(resourceType: string, resourceName: string): ErrorDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.ResourceInfo',
    resource_type: resourceType,
    resource_name: resourceName,
    owner: '',
    description: '',
  };
}

export function badRequest(field: string, description: string): ErrorDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.BadRequest',
    field_violations: [{ field, description }],
  };
}

/** Best-effort text of an unknown thrown value, for messages that wrap a cause. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
