/**
 * Bulk subscribe: messages are collected into batches (Dapr's maxMessagesCount and
 * maxAwaitDurationMs) and each batch goes to the app as one request, with Dapr's bulk
 * request body; the app answers a status per entry.
 */
import { randomUUID } from 'node:crypto';
import type { AppChannel } from '../invoke/index.js';
import { callApp, eventHeaders, outcomeOf, type DeliveryResult } from './app-delivery.js';
import type { CloudEvent } from './cloudevents.js';
import type { BulkSubscribeOptions } from './subscriptions.js';

/** Collects items and hands them on in batches: when full, or when the oldest has waited long enough. */
export class Batcher<T> {
  #items: T[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: BulkSubscribeOptions,
    private readonly flush: (items: T[]) => void,
  ) {}

  add(item: T): void {
    this.#items.push(item);
    if (this.#items.length >= this.options.maxMessagesCount) this.#flushNow();
    else this.#timer ??= setTimeout(() => this.#flushNow(), this.options.maxAwaitDurationMs);
  }

  #flushNow(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const items = this.#items;
    this.#items = [];
    if (items.length > 0) this.flush(items);
  }

  close(): void {
    clearTimeout(this.#timer);
  }
}

export interface BulkEntry {
  readonly entryId: string;
  /** The CloudEvent as the broker carried it (JSON bytes), or the raw payload. */
  readonly body: Buffer;
  readonly raw: boolean;
  readonly event: CloudEvent;
  readonly metadata: Readonly<Record<string, string>>;
}

export function newEntryId(): string {
  return randomUUID();
}

/** Posts one batch to `path`; one result per entry id. */
export async function postBatch(
  channel: AppChannel,
  path: string,
  batch: { pubsubName: string; topic: string; entries: readonly BulkEntry[] },
): Promise<Map<string, DeliveryResult>> {
  const headers = eventHeaders({}, batch.pubsubName, batch.entries[0]?.event);
  headers['content-type'] = 'application/json';
  const response = await callApp(channel, path, headers, bulkBody(batch));
  const all = (result: DeliveryResult) => new Map(batch.entries.map((e) => [e.entryId, result]));
  if ('unreachable' in response) return all({ outcome: 'RETRY', reason: response.unreachable });
  if (response.status === 404) return all({ outcome: 'DROP', reason: 'the app answered 404' });
  if (response.status < 200 || response.status > 299) return all({ outcome: 'RETRY', reason: `the app answered ${response.status}` });
  return entryResults(response.body, batch.entries);
}

/** The body is spliced from the events' own bytes, so no event is parsed and re-encoded. */
function bulkBody(batch: { pubsubName: string; topic: string; entries: readonly BulkEntry[] }): Buffer {
  const head = `{"id":${JSON.stringify(randomUUID())},"type":"com.dapr.event.sent.bulk","topic":${JSON.stringify(batch.topic)},"pubsubname":${JSON.stringify(batch.pubsubName)},"metadata":{},"entries":[`;
  const parts: Buffer[] = [Buffer.from(head)];
  batch.entries.forEach((entry, i) => {
    const event = entry.raw ? Buffer.from(JSON.stringify(entry.body.toString('base64'))) : entry.body;
    const contentType = entry.raw ? 'application/octet-stream' : 'application/cloudevents+json';
    parts.push(Buffer.from(`${i > 0 ? ',' : ''}{"entryId":${JSON.stringify(entry.entryId)},"contentType":"${contentType}","metadata":${JSON.stringify(entry.metadata)},"event":`));
    parts.push(event, Buffer.from('}'));
  });
  parts.push(Buffer.from(']}'));
  return Buffer.concat(parts);
}

/** Entries missing from the answer, or with an empty or unknown status, are retried (as in Dapr). */
function entryResults(body: Buffer, entries: readonly BulkEntry[]): Map<string, DeliveryResult> {
  const results = new Map<string, DeliveryResult>(entries.map((e) => [e.entryId, { outcome: 'RETRY', reason: 'the app gave no status for the entry' }]));
  let statuses: unknown;
  try {
    statuses = (JSON.parse(body.toString('utf8')) as { statuses?: unknown }).statuses;
  } catch {
    return results;
  }
  if (!Array.isArray(statuses)) return results;
  for (const item of statuses as Array<{ entryId?: unknown; status?: unknown }>) {
    if (typeof item?.entryId !== 'string' || !results.has(item.entryId)) continue;
    if (item.status !== '' && item.status !== undefined) results.set(item.entryId, outcomeOf(item.status));
  }
  return results;
}
