/**
 * Publish requests as the HTTP API receives them, checked and turned into broker messages:
 * the request metadata Dapr reads (`rawPayload`, `ttlInSeconds`), and bulk publish bodies
 * with Dapr's rules for each entry's `event` by content type (pkg/api/http/util.go).
 */
import { apiErrors } from '../errors/index.js';
import { isJsonContentType } from './cloudevents.js';

export interface BulkPublishEntry {
  readonly entryId: string;
  readonly data: Buffer;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
}

const TRUE_WORDS = ['true', '1', 'yes', 'y', 'on', 't'];
const FALSE_WORDS = ['false', '0', 'no', 'n', 'off', 'f'];

/** `metadata.rawPayload`; anything but a boolean is Dapr's ERR_PUBSUB_REQUEST_METADATA. */
export function rawPayloadOf(pubsubName: string, metadata: Readonly<Record<string, string>>): boolean {
  const value = metadata['rawPayload'];
  if (value === undefined || value === '') return false;
  if (TRUE_WORDS.includes(value.toLowerCase())) return true;
  if (FALSE_WORDS.includes(value.toLowerCase())) return false;
  throw apiErrors.pubsubRequestMetadata(pubsubName, `rawPayload must be a boolean, got "${value}"`);
}

/** `metadata.ttlInSeconds` in milliseconds; undefined when absent. */
export function ttlMsOf(pubsubName: string, metadata: Readonly<Record<string, string>>): number | undefined {
  const value = metadata['ttlInSeconds'];
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0) {
    throw apiErrors.pubsubRequestMetadata(pubsubName, `ttlInSeconds must be a positive whole number of seconds, got "${value}"`);
  }
  return Number(value) * 1000;
}

/** A bulk publish body: `[{entryId, event, contentType, metadata?}]`, every entry checked. */
export function parseBulkPublishRequest(body: unknown, pubsubName: string, topic: string): BulkPublishEntry[] {
  const fail = (detail: string): never => {
    throw apiErrors.pubsubEventsUnmarshal(pubsubName, topic, detail);
  };
  if (!Array.isArray(body)) return fail('the body must be a JSON array of entries');
  const seen = new Set<string>();
  return body.map((item: unknown, i): BulkPublishEntry => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return fail(`entry ${i} must be an object`);
    const entry = lowerCaseKeys(item as Record<string, unknown>);
    const entryId = entry['entryid'];
    if (typeof entryId !== 'string' || entryId === '') return fail(`entry ${i} has no entryId`);
    if (seen.has(entryId)) return fail(`entryId ${entryId} is used twice`);
    seen.add(entryId);
    const contentType = entry['contenttype'];
    if (typeof contentType !== 'string' || contentType === '') return fail(`entry ${entryId} has no contentType`);
    const data = eventBytes(entry['event'], contentType);
    if (typeof data === 'string') return fail(`entry ${entryId}: ${data}`);
    return { entryId, data, contentType, metadata: metadataOf(entry['metadata']) };
  });
}

/** The entry's event as bytes, or why it cannot be. */
function eventBytes(event: unknown, contentType: string): Buffer | string {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/octet-stream') {
    if (typeof event !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(event)) return 'an application/octet-stream event must be a base64 string';
    return Buffer.from(event, 'base64');
  }
  if (type.startsWith('text/') || type === 'application/xml') {
    return typeof event === 'string' ? Buffer.from(event, 'utf8') : `a ${type} event must be a string`;
  }
  if (isJsonContentType(type)) return Buffer.from(JSON.stringify(event ?? null), 'utf8');
  return `content type ${contentType} is not supported (use application/json, application/cloudevents+json, text/*, application/xml or application/octet-stream)`;
}

function metadataOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** Dapr decodes entries with Go's case-insensitive field names: the JS SDK sends `entryID`. */
function lowerCaseKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
}
