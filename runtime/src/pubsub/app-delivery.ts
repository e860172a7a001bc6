/**
 * Posting events to the app and reading its answer as Dapr's contract defines it: 2xx with
 * `{"status": "SUCCESS" | "RETRY" | "DROP"}` (an empty or non-JSON body is success, any other
 * status string a retry), 404 drops, anything else (other statuses, no answer) retries.
 */
import { AppUnreachableError, type AppChannel, type HeaderMap } from '../invoke/index.js';
import type { CloudEvent } from './cloudevents.js';
import { CLOUDEVENTS_CONTENT_TYPE } from './cloudevents.js';

export type DeliveryOutcome = 'SUCCESS' | 'RETRY' | 'DROP';

/** What went wrong, for the logs, next to the outcome. */
export interface DeliveryResult {
  readonly outcome: DeliveryOutcome;
  readonly reason: string;
}

export interface EventDelivery {
  readonly path: string;
  readonly body: Buffer;
  readonly event: CloudEvent;
  readonly pubsubName: string;
  /** The broker message's metadata, sent as headers as daprd does. */
  readonly metadata: Readonly<Record<string, string>>;
}

export async function postEvent(channel: AppChannel, delivery: EventDelivery): Promise<DeliveryResult> {
  const headers = eventHeaders(delivery.metadata, delivery.pubsubName, delivery.event);
  headers['content-type'] = CLOUDEVENTS_CONTENT_TYPE;
  const response = await callApp(channel, delivery.path, headers, delivery.body);
  if ('unreachable' in response) return { outcome: 'RETRY', reason: response.unreachable };
  if (response.status === 404) return { outcome: 'DROP', reason: 'the app answered 404' };
  if (response.status < 200 || response.status > 299) return { outcome: 'RETRY', reason: `the app answered ${response.status}` };
  return statusOf(response.body);
}

/** A 2xx body's `status`; Dapr compares case-sensitively, and anything unknown retries. */
export function statusOf(body: Buffer): DeliveryResult {
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
  } catch {
    return { outcome: 'SUCCESS', reason: 'the app answered 2xx without JSON' };
  }
  const status = typeof parsed === 'object' && parsed !== null ? (parsed as { status?: unknown }).status : undefined;
  return status === undefined || status === '' ? { outcome: 'SUCCESS', reason: 'the app answered SUCCESS' } : outcomeOf(status);
}

/** A status string as Dapr reads it: case-sensitive, and anything unknown retries. */
export function outcomeOf(status: unknown): DeliveryResult {
  if (status === 'SUCCESS' || status === 'RETRY' || status === 'DROP') return { outcome: status, reason: `the app answered ${status}` };
  return { outcome: 'RETRY', reason: `the app answered an unknown status ${JSON.stringify(status)}` };
}

export async function callApp(
  channel: AppChannel,
  path: string,
  headers: HeaderMap,
  body: Buffer,
): Promise<{ status: number; body: Buffer } | { unreachable: string }> {
  try {
    const response = await channel.call({ verb: 'POST', path: path.replace(/^\/+/, ''), query: '', headers, body });
    return { status: response.status, body: response.body };
  } catch (err) {
    if (err instanceof AppUnreachableError) return { unreachable: err.message };
    throw err;
  }
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Broker metadata, the pubsub name and the trace context as headers; unsendable ones are skipped. */
export function eventHeaders(metadata: Readonly<Record<string, string>>, pubsubName: string, event: CloudEvent | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (HEADER_NAME.test(name) && HEADER_VALUE.test(value)) headers[name.toLowerCase()] = value;
  }
  headers['pubsubname'] = pubsubName;
  for (const field of ['traceparent', 'tracestate'] as const) {
    const value = event?.[field];
    if (typeof value === 'string' && value !== '' && HEADER_VALUE.test(value)) headers[field] = value;
  }
  return headers;
}
