import type { ServerResponse } from 'node:http';
import type { ExecutionContext } from 'ava';
import { startApp, type FakeApp, type RecordedRequest } from '../../harness/app.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { waitUntil } from '../../harness/eventually.js';
import { http } from '../../harness/http.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

/** What the subscriber app answers a delivery with: a status code and a body. */
export type Answer = { status: number; body?: unknown } | 'hang';

export interface SubscriberApp extends FakeApp {
  /** The deliveries received on `path` (POSTs), in order. */
  deliveries(path: string): RecordedRequest[];
  /** The CloudEvents received on `path`. */
  events(path: string): Array<Record<string, unknown>>;
}

/**
 * An app that answers `GET /dapr/subscribe` with `subscriptions` and every other POST with
 * `answer(request)` (default: 200 SUCCESS).
 */
export async function startSubscriberApp(
  t: ExecutionContext,
  subscriptions: unknown[],
  answer: (request: RecordedRequest) => Answer = () => ({ status: 200, body: { status: 'SUCCESS' } }),
): Promise<SubscriberApp> {
  const app = await startApp(t, (request, response: ServerResponse) => {
    if (request.method === 'GET' && request.url === '/dapr/subscribe') return reply(response, { status: 200, body: subscriptions });
    if (request.method === 'GET') return reply(response, { status: 404 });
    const chosen = answer(request);
    if (chosen !== 'hang') reply(response, chosen);
  });
  const deliveries = (path: string) => app.requests.filter((r) => r.method === 'POST' && r.url === path);
  return {
    ...app,
    deliveries,
    events: (path) => deliveries(path).map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>),
  };
}

function reply(response: ServerResponse, answer: { status: number; body?: unknown }): void {
  response.statusCode = answer.status;
  if (answer.body === undefined) {
    response.end();
    return;
  }
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(answer.body));
}

/** Fast retries, so tests about retries and dead letters do not wait on the defaults. */
export const FAST_RETRIES = { deliveryMaxRetries: '2', deliveryRetryInterval: '50ms', deliveryRetryMaxInterval: '200ms' };

/** A sidecar with one `pubsub.in-memory` component named `pubsub` (plus any YAML given) for `app`. */
export async function startPubSubSidecar(
  t: ExecutionContext,
  app: FakeApp | undefined,
  options: { metadata?: Record<string, string>; type?: string; extraYaml?: Record<string, string> } = {},
): Promise<SidecarHandle> {
  const dir = await resourcesDir(t, {
    'pubsub.yaml': componentYaml('pubsub', options.type ?? 'pubsub.in-memory', { ...FAST_RETRIES, ...options.metadata }),
    ...options.extraYaml,
  });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir], ...(app ? { appPort: app.port } : {}) });
  if (app) await waitUntilSubscribed(sidecar);
  return sidecar;
}

/** Waits until the sidecar lists at least `count` subscriptions in its metadata. */
export async function waitUntilSubscribed(sidecar: SidecarHandle, count = 1): Promise<void> {
  await waitUntil(
    `the sidecar lists ${count} subscription(s)`,
    async () => ((await http('GET', `${sidecar.url}/v1.0/metadata`)).json<{ subscriptions?: unknown[] }>().subscriptions?.length ?? 0) >= count,
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

export function publish(sidecar: SidecarHandle, topic: string, body: string | Buffer, headers: Record<string, string> = {}, query = '') {
  return http('POST', `${sidecar.url}/v1.0/publish/pubsub/${topic}${query}`, { body, headers });
}
