import { apiErrors } from '../errors/index.js';
import type { Concurrency } from './store.js';

/**
 * The Dapr state API's request bodies, checked and typed. Anything malformed is a 400
 * `ERR_MALFORMED_REQUEST` naming the field, raised before any store is touched.
 */
export type RequestMetadata = Readonly<Record<string, string>>;

export interface StateOptions {
  readonly concurrency?: Concurrency;
  readonly consistency?: 'eventual' | 'strong';
}

export interface SaveItem {
  readonly key: string;
  /** The value as the caller sent it (any JSON); stored as its JSON text. */
  readonly value: unknown;
  readonly etag?: string;
  readonly metadata: RequestMetadata;
  readonly options: StateOptions;
}

export interface TransactionItem {
  readonly operation: 'upsert' | 'delete';
  readonly item: SaveItem;
}

export interface BulkGetRequest {
  readonly keys: readonly string[];
  readonly parallelism: number;
  readonly metadata: RequestMetadata;
}

/** Query `metadata.*` parameters apply to every item and win over the body's (as in Dapr). */
export function parseSaveRequest(body: unknown, queryMetadata: RequestMetadata = {}): SaveItem[] {
  if (!Array.isArray(body)) throw apiErrors.malformedRequest('the body must be a JSON array of state items');
  return body.map((item, i) => parseItem(item, `[${i}]`, queryMetadata));
}

export function parseBulkGetRequest(body: unknown, queryMetadata: RequestMetadata = {}): BulkGetRequest {
  const record = asRecord(body, 'the body');
  const keys = record['keys'] ?? [];
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
    throw apiErrors.malformedRequest('keys must be an array of strings');
  }
  const parallelism = record['parallelism'] ?? 0;
  if (typeof parallelism !== 'number' || !Number.isInteger(parallelism)) {
    throw apiErrors.malformedRequest('parallelism must be an integer');
  }
  return { keys, parallelism, metadata: { ...parseMetadata(record['metadata'], 'metadata'), ...queryMetadata } };
}

export function parseTransactionRequest(
  body: unknown,
  queryMetadata: RequestMetadata = {},
): { operations: TransactionItem[]; metadata: RequestMetadata } {
  const record = asRecord(body, 'the body');
  const operations = record['operations'] ?? [];
  if (!Array.isArray(operations)) throw apiErrors.malformedRequest('operations must be an array');
  return {
    operations: operations.map((op, i) => parseOperation(op, `operations[${i}]`, queryMetadata)),
    metadata: parseMetadata(record['metadata'], 'metadata'),
  };
}

function parseOperation(op: unknown, path: string, queryMetadata: RequestMetadata): TransactionItem {
  const record = lowerCaseKeys(asRecord(op, path));
  const operation = record['operation'];
  if (typeof operation !== 'string') throw apiErrors.malformedRequest(`${path}.operation must be a string`);
  if (operation !== 'upsert' && operation !== 'delete') throw apiErrors.stateOperationNotSupported(operation);
  return { operation, item: parseItem(record['request'], `${path}.request`, queryMetadata) };
}

function parseItem(raw: unknown, path: string, queryMetadata: RequestMetadata): SaveItem {
  // Dapr decodes item fields case-insensitively (Go's encoding/json).
  const item = lowerCaseKeys(asRecord(raw, path));
  const key = item['key'];
  if (typeof key !== 'string' || key === '') throw apiErrors.malformedRequest(`${path}.key must be a non-empty string`);
  const etag = parseEtag(item['etag'], `${path}.etag`);
  return {
    key,
    value: item['value'] === undefined ? null : item['value'],
    ...(typeof etag === 'string' && etag !== '' ? { etag } : {}),
    metadata: { ...parseMetadata(item['metadata'], `${path}.metadata`), ...queryMetadata },
    options: parseOptions(item['options'], `${path}.options`),
  };
}

/**
 * An etag is a string. The official JS SDK types transaction etags as `{value}` (the gRPC
 * shape) and sends that over HTTP, which daprd refuses; we accept it so such apps work.
 */
function parseEtag(raw: unknown, path: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'object' && typeof (raw as { value?: unknown }).value === 'string') return (raw as { value: string }).value;
  throw apiErrors.malformedRequest(`${path} must be a string`);
}

function parseOptions(raw: unknown, path: string): StateOptions {
  if (raw === undefined || raw === null) return {};
  const options = lowerCaseKeys(asRecord(raw, path));
  return checkedOptions(options['concurrency'], options['consistency'], (field) => `${path}.${field}`, apiErrors.malformedRequest);
}

/** `concurrency` and `consistency` given as query parameters (delete, get). */
export function parseQueryOptions(query: Record<string, unknown>): StateOptions {
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  return checkedOptions(first(query['concurrency']), first(query['consistency']), (field) => field, apiErrors.malformedQuery);
}

const CONCURRENCY = ['first-write', 'last-write'] as const;
const CONSISTENCY = ['eventual', 'strong'] as const;

function checkedOptions(
  concurrency: unknown,
  consistency: unknown,
  name: (field: string) => string,
  error: (detail: string) => Error,
): StateOptions {
  const check = <T extends string>(value: unknown, allowed: readonly T[], field: string): T | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' || !allowed.includes(value as T)) throw error(`${name(field)} must be one of ${allowed.join(', ')}`);
    return value as T;
  };
  const c = check(concurrency, CONCURRENCY, 'concurrency');
  const k = check(consistency, CONSISTENCY, 'consistency');
  return { ...(c ? { concurrency: c } : {}), ...(k ? { consistency: k } : {}) };
}

function parseMetadata(raw: unknown, path: string): RequestMetadata {
  if (raw === undefined || raw === null) return {};
  const record = asRecord(raw, path);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) {
    if (typeof v !== 'string') throw apiErrors.malformedRequest(`${path}.${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/** `ttlInSeconds` metadata: an integer ≥ -1 (-1 = never expire), or absent. */
export function ttlFromMetadata(metadata: RequestMetadata): number | undefined {
  const text = Object.entries(metadata).find(([k]) => k.toLowerCase() === 'ttlinseconds')?.[1];
  if (text === undefined || text === '') return undefined;
  const ttl = Number(text);
  if (!Number.isInteger(ttl) || ttl < -1) {
    throw apiErrors.malformedRequest(`metadata.ttlInSeconds must be an integer of at least -1, got "${text}"`);
  }
  return ttl;
}

function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw apiErrors.malformedRequest(`${path} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function lowerCaseKeys(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k.toLowerCase()] = v;
  return out;
}
