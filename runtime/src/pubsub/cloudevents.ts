/**
 * CloudEvents 1.0 as Dapr builds them: the envelope a publish is wrapped in, the overrides an
 * already-built event gets, and the event a subscriber receives (raw payloads get one made up).
 */
import { randomUUID } from 'node:crypto';

export type CloudEvent = Record<string, unknown>;

export const EVENT_TYPE = 'com.dapr.event.sent';
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
const DEFAULT_SOURCE = 'Dapr';

export interface PublishContext {
  readonly appId: string;
  readonly pubsubName: string;
  readonly topic: string;
  readonly now: number;
  /** The caller's W3C trace context; a new trace id is started without one. */
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

/** The publish body as the app sent it. */
export interface Payload {
  readonly data: Buffer;
  /** The request's Content-Type; absent means `text/plain`, as in Dapr. */
  readonly contentType?: string | undefined;
  /** `metadata.*` of the request: `cloudevent.*` overrides and `ttlInSeconds` are read here. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The body is not a CloudEvent the sidecar can pass on. */
export class CloudEventError extends Error {
  override readonly name = 'CloudEventError';
}

export function isCloudEventContentType(contentType: string | undefined): boolean {
  return mediaType(contentType) === CLOUDEVENTS_CONTENT_TYPE;
}

export function isJsonContentType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === 'application/json' || type.endsWith('+json');
}

function isBinaryContentType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === 'application/octet-stream' || type.includes('protobuf');
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Wraps a payload in a new envelope (Dapr's NewCloudEventsEnvelope plus the metadata overrides). */
export function wrapInCloudEvent(payload: Payload, context: PublishContext, ttlMs: number | undefined): CloudEvent {
  const contentType = payload.contentType || 'text/plain';
  const event: CloudEvent = {
    id: payload.metadata['cloudevent.id'] ?? randomUUID(),
    source: payload.metadata['cloudevent.source'] ?? (context.appId || DEFAULT_SOURCE),
    type: payload.metadata['cloudevent.type'] ?? EVENT_TYPE,
    specversion: '1.0',
    datacontenttype: contentType,
    ...dataFields(payload.data, contentType),
  };
  if (payload.metadata['cloudevent.subject'] !== undefined) event['subject'] = payload.metadata['cloudevent.subject'];
  return stamp(event, payload.metadata, context, ttlMs);
}

/** Takes an app-built CloudEvent and applies Dapr's overrides: topic, pubsub name, trace, time. */
export function passThroughCloudEvent(payload: Payload, context: PublishContext, ttlMs: number | undefined): CloudEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.data.toString('utf8'));
  } catch (err) {
    throw new CloudEventError(`the body is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CloudEventError('a CloudEvent must be a JSON object');
  }
  const event = parsed as CloudEvent;
  event['source'] ??= DEFAULT_SOURCE;
  event['type'] ??= EVENT_TYPE;
  event['specversion'] ??= '1.0';
  return stamp(event, payload.metadata, context, ttlMs);
}

function stamp(event: CloudEvent, metadata: Readonly<Record<string, string>>, context: PublishContext, ttlMs: number | undefined): CloudEvent {
  event['topic'] = context.topic;
  event['pubsubname'] = context.pubsubName;
  if (event['traceid'] === undefined) {
    const traceparent = metadata['cloudevent.traceparent'] ?? metadata['cloudevent.traceid'] ?? context.traceparent ?? newTraceparent();
    event['traceid'] = traceparent;
    event['traceparent'] = traceparent;
  }
  event['tracestate'] ??= metadata['cloudevent.tracestate'] ?? context.tracestate ?? '';
  event['time'] ??= rfc3339Seconds(context.now);
  if (ttlMs !== undefined) event['expiration'] = new Date(context.now + ttlMs).toISOString();
  return event;
}

function dataFields(data: Buffer, contentType: string): CloudEvent {
  if (isBinaryContentType(contentType)) return { data_base64: data.toString('base64') };
  const text = data.toString('utf8');
  if (!isJsonContentType(contentType)) return { data: text };
  try {
    return { data: JSON.parse(text) as unknown };
  } catch {
    return { data: text };
  }
}

/** A W3C traceparent for a publish that came without one (not sampled). */
function newTraceparent(): string {
  // randomUUID draws from a cached pool; randomBytes would cost a system call per publish.
  const trace = randomUUID().replaceAll('-', '');
  return `00-${trace}-${randomUUID().replaceAll('-', '').slice(0, 16)}-00`;
}

/** RFC 3339 at second precision with the local UTC offset, as Go's time.RFC3339. */
function rfc3339Seconds(ms: number): string {
  const date = new Date(ms);
  const offsetMinutes = -date.getTimezoneOffset();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes > 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * What a subscriber is handed: the event as parsed, and the bytes to post to the app (the
 * broker's bytes when they are the event, so nothing is re-encoded on the hot path).
 */
export interface ReceivedEvent {
  readonly event: CloudEvent;
  readonly body: Buffer;
}

/**
 * Reads a broker message as a CloudEvent. With `rawPayload`, an event is made up around the
 * bytes (data_base64), as daprd does; otherwise the bytes must be a JSON CloudEvent.
 */
export function receiveCloudEvent(data: Buffer, raw: boolean, context: { pubsubName: string; topic: string }): ReceivedEvent {
  if (raw) {
    const event: CloudEvent = {
      id: randomUUID(),
      specversion: '1.0',
      datacontenttype: 'application/octet-stream',
      source: DEFAULT_SOURCE,
      type: EVENT_TYPE,
      topic: context.topic,
      pubsubname: context.pubsubName,
      data_base64: data.toString('base64'),
    };
    return { event, body: Buffer.from(JSON.stringify(event)) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new CloudEventError(`the message is not a JSON CloudEvent: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CloudEventError('the message is not a JSON CloudEvent object');
  }
  return { event: parsed as CloudEvent, body: data };
}

/** True when the event carries an `expiration` that has passed. */
export function hasExpired(event: CloudEvent, now: number): boolean {
  const expiration = event['expiration'];
  if (typeof expiration !== 'string') return false;
  const at = Date.parse(expiration);
  return Number.isFinite(at) && at <= now;
}
