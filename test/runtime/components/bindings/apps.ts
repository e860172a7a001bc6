import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from '../../../harness/app.js';
import { waitUntil } from '../../../harness/eventually.js';
import type { HttpResult } from '../../../harness/http.js';
import type { TcpProxy } from '../../../harness/tcp-proxy.js';

/** App handlers and outage steps for the binding tests. */
export type AppHandler = (request: RecordedRequest, response: ServerResponse) => void;

export const takeEvery: AppHandler = (_, response) => response.end();

/** Fails the first `count` events (POSTs) with `status`, then takes every event. */
export function failFirst(count: number, status: number): AppHandler {
  let failed = 0;
  return (request, response) => {
    const fail = request.method === 'POST' && failed < count;
    if (fail) failed++;
    response.statusCode = fail ? status : 200;
    response.end();
  };
}

/**
 * Brings a cut server back and waits until both faces of a binding work again: a `create` is
 * accepted (204) and the app receives what it sent.
 */
export async function restoreAndExpectDelivery(
  proxy: TcpProxy,
  send: (data: unknown) => Promise<HttpResult>,
  received: () => string[],
): Promise<void> {
  await proxy.restore();
  await waitUntil('create works again', async () => (await send('after')).status === 204, { timeoutMs: 30_000, intervalMs: 250 });
  await waitUntil('the app got a message sent after the outage', () => received().includes('"after"'), { timeoutMs: 30_000 });
}
