import { apiErrors } from '../errors/index.js';

/**
 * Lock request bodies, read as daprd reads them (protobuf JSON): camelCase or snake_case
 * field names, `expiryInSeconds` as a number or a numeric string, unknown fields ignored.
 * A wrong type is a 400 `ERR_MALFORMED_REQUEST`; empty fields are checked by the service.
 */
export interface LockRequest {
  readonly resourceId: string;
  readonly lockOwner: string;
  readonly expiryInSeconds: number;
}

export type UnlockRequest = Omit<LockRequest, 'expiryInSeconds'>;

export function parseLockRequest(body: unknown): LockRequest {
  const record = asRecord(body);
  return { ...parseUnlockRequest(record), expiryInSeconds: int32(field(record, 'expiryInSeconds', 'expiry_in_seconds'), 'expiryInSeconds') };
}

export function parseUnlockRequest(body: unknown): UnlockRequest {
  const record = asRecord(body);
  return {
    resourceId: string(field(record, 'resourceId', 'resource_id'), 'resourceId'),
    lockOwner: string(field(record, 'lockOwner', 'lock_owner'), 'lockOwner'),
  };
}

function asRecord(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw apiErrors.malformedRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
}

const field = (record: Record<string, unknown>, camel: string, snake: string) => record[camel] ?? record[snake];

function string(value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw apiErrors.malformedRequest(`${name} must be a string`);
  return value;
}

function int32(value: unknown, name: string): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || Math.abs(n) > 2 ** 31 - 1) {
    throw apiErrors.malformedRequest(`${name} must be a 32-bit integer, got ${JSON.stringify(value)}`);
  }
  return n;
}
