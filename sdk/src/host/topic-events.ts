/**
 * Pub/sub deliveries as the app receives them: a CloudEvent (one per request, or a batch for
 * bulk subscriptions) decoded into a TopicEvent for the handler, and the handler's outcome
 * turned into Dapr's `{"status": "SUCCESS" | "RETRY" | "DROP"}` answer.
 */
import { decodeBody, isJsonType } from '../client/content.js';
import { parseJsonObject } from '../errors.js';
import { metadataOf, type AppAnswer, type AppRequest, type CallbackErrorListener } from './routes.js';

export interface TopicEvent<T = unknown> {
  /**
   * The payload: JSON as its value, text as a string, bytes (`data_base64`, raw payloads) as a
   * Buffer, or JSON-parsed when their content type is JSON. `T` is the subscriber's word for it.
   */
  readonly data: T;
  readonly id: string;
  readonly topic: string;
  readonly pubsubName: string;
  readonly source: string;
  readonly type: string;
  /** The payload's content type (`datacontenttype`). */
  readonly contentType: string;
  /** The whole CloudEvent envelope, extensions included. */
  readonly cloudEvent: Readonly<Record<string, unknown>>;
  /** The message's metadata: the request headers, or a bulk entry's metadata. */
  readonly metadata: Readonly<Record<string, string>>;
}

export type SubscriptionStatus = 'SUCCESS' | 'RETRY' | 'DROP';

/** Returning nothing (or `'SUCCESS'`) acknowledges; a throw retries; `'DROP'` or a DropEventError drops. */
export type TopicHandler<T = unknown> = (event: TopicEvent<T>) => SubscriptionStatus | void | Promise<SubscriptionStatus | void>;

/** Thrown by a topic handler: the message is dropped (or dead-lettered), never retried. */
export class DropEventError extends Error {
  override name = 'DropEventError';
}

const STATUSES = new Set<unknown>(['SUCCESS', 'RETRY', 'DROP']);

/** One event per request (`Content-Type: application/cloudevents+json`). */
export async function deliverEvent(handler: TopicHandler, request: AppRequest, onError: CallbackErrorListener, callback: string): Promise<AppAnswer> {
  const envelope = parseJsonObject(request.body.toString('utf8'));
  const status = envelope ? await outcome(handler, topicEvent(envelope, metadataOf(request.headers)), onError, callback) : 'DROP';
  return { status: 200, json: JSON.stringify({ status }) };
}

/** A bulk batch: each entry handled on its own, answered with one status per entry. */
export async function deliverBatch(handler: TopicHandler, request: AppRequest, onError: CallbackErrorListener, callback: string): Promise<AppAnswer> {
  const batch = parseJsonObject(request.body.toString('utf8'));
  const entries = Array.isArray(batch?.['entries']) ? (batch['entries'] as unknown[]) : [];
  const statuses = await Promise.all(
    entries.map(async (raw) => {
      const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const envelope = entryEnvelope(entry, batch ?? {});
      return { entryId: String(entry['entryId'] ?? ''), status: envelope ? await outcome(handler, topicEvent(envelope, stringMap(entry['metadata'])), onError, callback) : 'DROP' };
    }),
  );
  return { status: 200, json: JSON.stringify({ statuses }) };
}

async function outcome(handler: TopicHandler, event: TopicEvent, onError: CallbackErrorListener, callback: string): Promise<SubscriptionStatus> {
  try {
    const status = await handler(event);
    if (status === undefined) return 'SUCCESS';
    if (STATUSES.has(status)) return status;
    throw new TypeError(`a topic handler returned ${JSON.stringify(status)}; return nothing, 'SUCCESS', 'RETRY' or 'DROP'`);
  } catch (err) {
    if (err instanceof DropEventError) return 'DROP';
    onError(err, callback);
    return 'RETRY';
  }
}

/** A bulk entry's CloudEvent; a raw entry (octet-stream) is its bytes in base64, wrapped here. */
function entryEnvelope(entry: Record<string, unknown>, batch: Record<string, unknown>): Record<string, unknown> | undefined {
  const event = entry['event'];
  if (typeof event === 'object' && event !== null && !Array.isArray(event)) return event as Record<string, unknown>;
  if (typeof event !== 'string') return undefined;
  return { id: entry['entryId'], topic: batch['topic'], pubsubname: batch['pubsubname'], datacontenttype: 'application/octet-stream', data_base64: event };
}

function topicEvent(envelope: Record<string, unknown>, metadata: Record<string, string>): TopicEvent {
  const text = (field: string) => (typeof envelope[field] === 'string' ? (envelope[field] as string) : '');
  return {
    data: dataOf(envelope, text('datacontenttype')),
    id: text('id'),
    topic: text('topic'),
    pubsubName: text('pubsubname'),
    source: text('source'),
    type: text('type'),
    contentType: text('datacontenttype'),
    cloudEvent: envelope,
    metadata,
  };
}

function dataOf(envelope: Record<string, unknown>, contentType: string): unknown {
  if ('data' in envelope) return envelope['data'];
  if (typeof envelope['data_base64'] !== 'string') return undefined;
  const bytes = Buffer.from(envelope['data_base64'], 'base64');
  return isJsonType(contentType) ? decodeBody(bytes, contentType) : bytes;
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
