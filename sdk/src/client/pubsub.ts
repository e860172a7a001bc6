/**
 * `client.pubsub`: publishing to a topic (`POST /v1.0/publish/{pubsub}/{topic}`) and bulk
 * publishing (`POST /v1.0-alpha1/publish/bulk/…`). The sidecar wraps each payload in a
 * CloudEvent unless `rawPayload` is set; subscribing is the app server's side (AppServer.subscribe).
 */
import { randomUUID } from 'node:crypto';
import { errorFromResponse, parseJsonObject } from '../errors.js';
import { encodeBody } from './content.js';
import { callOptions, isSuccess, nestedPath, pathOf, queryFrom, type CallOptions, type RequestMetadata, type Transport } from './transport.js';

export interface PublishOptions extends CallOptions {
  /**
   * The payload's type; by default `application/octet-stream` for bytes, `text/plain` for a
   * string, `application/json` otherwise. `application/cloudevents+json` publishes `data` as
   * the app's own CloudEvent.
   */
  readonly contentType?: string;
  /** Request metadata for the broker, sent as `metadata.<key>` query parameters. */
  readonly metadata?: RequestMetadata;
  /** Publish the bytes as they are, without a CloudEvent around them. */
  readonly rawPayload?: boolean;
  /** Drop the message if it is not delivered within this many seconds. */
  readonly ttlInSeconds?: number;
}

export interface BulkPublishEntry {
  /** Any JSON value, a string, or bytes (sent base64, as Dapr expects for octet-stream). */
  readonly event: unknown;
  /** Defaults as for `publish`. */
  readonly contentType?: string;
  /** Unique within the request; generated unless given. */
  readonly entryId?: string;
  readonly metadata?: RequestMetadata;
}

export interface BulkPublishOptions extends CallOptions {
  /** For every entry (sent as `metadata.<key>` query parameters). */
  readonly metadata?: RequestMetadata;
}

export interface FailedBulkEntry {
  readonly entryId: string;
  /** The sidecar's reason. */
  readonly error: string;
  /** The entry as given (undefined only if the sidecar named an id that was not sent). */
  readonly entry: BulkPublishEntry | undefined;
}

export interface BulkPublishResult {
  /** The entries that were not published; empty when every one was. */
  readonly failedEntries: readonly FailedBulkEntry[];
}

interface WireBulkEntry {
  readonly entryId: string;
  readonly event: unknown;
  readonly contentType: string;
  readonly metadata?: RequestMetadata;
}

export class PubSubClient {
  constructor(private readonly transport: Transport) {}

  /**
   * Publishes `data` to `topic`. An unknown pubsub is a SidecarError `ERR_PUBSUB_NOT_FOUND`; a
   * topic outside the component's scopes, `ERR_PUBSUB_FORBIDDEN`; a broker failure,
   * `ERR_PUBSUB_PUBLISH_MESSAGE`.
   */
  async publish(pubsub: string, topic: string, data: unknown, options: PublishOptions = {}): Promise<void> {
    const body = encodeBody(data ?? null)!;
    await this.transport.call({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0/publish${pathOf(pubsub)}/${nestedPath(topic)}`,
      query: queryFrom({}, { ...options.metadata, ...publishMetadata(options) }),
      headers: { 'content-type': options.contentType ?? body.contentType },
      body: body.bytes,
    });
  }

  /**
   * Publishes every entry, each as its own message. Entries the broker refused come back in
   * `failedEntries`; a request the sidecar refuses as a whole throws a SidecarError.
   */
  async publishBulk(pubsub: string, topic: string, entries: readonly BulkPublishEntry[], options: BulkPublishOptions = {}): Promise<BulkPublishResult> {
    const wire = entries.map(wireEntry);
    const response = await this.transport.send({
      ...callOptions(options),
      method: 'POST',
      path: `/v1.0-alpha1/publish/bulk${pathOf(pubsub)}/${nestedPath(topic)}`,
      query: queryFrom({}, options.metadata),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(wire),
    });
    if (isSuccess(response.status)) return { failedEntries: [] };
    const text = response.body.toString('utf8');
    const failed = parseJsonObject(text)?.['failedEntries'];
    if (!Array.isArray(failed) || failed.length === 0) throw errorFromResponse(response.status, text);
    const given = new Map(wire.map((w, i) => [w.entryId, entries[i]]));
    return { failedEntries: failed.map((f: Record<string, unknown>) => failedEntry(f, given)) };
  }
}

function publishMetadata({ rawPayload, ttlInSeconds }: PublishOptions): Record<string, string> {
  return {
    ...(rawPayload !== undefined ? { rawPayload: String(rawPayload) } : {}),
    ...(ttlInSeconds !== undefined ? { ttlInSeconds: String(ttlInSeconds) } : {}),
  };
}

function wireEntry(entry: BulkPublishEntry): WireBulkEntry {
  const bytes = entry.event instanceof Uint8Array;
  const contentType = entry.contentType ?? (bytes ? 'application/octet-stream' : typeof entry.event === 'string' ? 'text/plain' : 'application/json');
  return {
    entryId: entry.entryId ?? randomUUID(),
    event: bytes ? Buffer.from(entry.event as Uint8Array).toString('base64') : entry.event ?? null,
    contentType,
    ...(entry.metadata ? { metadata: entry.metadata } : {}),
  };
}

function failedEntry(raw: Record<string, unknown>, given: ReadonlyMap<string, BulkPublishEntry | undefined>): FailedBulkEntry {
  // Go's decoder reads `entryID` too, and daprd has answered with either spelling.
  const entryId = String(raw?.['entryId'] ?? raw?.['entryID'] ?? '');
  return { entryId, error: typeof raw?.['error'] === 'string' ? raw['error'] : '', entry: given.get(entryId) };
}
