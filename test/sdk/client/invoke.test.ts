/**
 * client.invoke against a real sidecar that forwards to a fake app on --app-port: what the
 * app receives, how its answers come back, and app failures told apart from sidecar ones.
 */
import anyTest, { type TestFn } from 'ava';
import type { ServerResponse } from 'node:http';
import { startApp, type FakeApp, type RecordedRequest } from '../../harness/app.js';
import { Cleanup } from '../../harness/cleanup.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';
import { AppError, OutriggerClient, SidecarError } from '../../../sdk/src/index.js';

const test = anyTest as TestFn<{ client: OutriggerClient; sidecar: SidecarHandle; app: FakeApp }>;
const cleanup = new Cleanup();

/** The fake app: the first path segment picks the behaviour; every request carries a unique tag. */
function route(req: RecordedRequest, res: ServerResponse): void {
  const path = new URL(req.url, 'http://app').pathname;
  if (path.startsWith('/echo')) return json(res, 200, { method: req.method, url: req.url, body: req.body.toString('utf8') });
  if (path === '/text') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
  if (path === '/bytes') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0, 1, 254, 255]));
  if (path === '/empty') return void res.writeHead(204).end();
  if (path === '/teapot') return json(res, 418, { reason: 'short and stout' }, { 'x-why': 'teapot' });
  if (path === '/broken') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('app crashed');
  json(res, 404, { message: 'no such route' });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

test.before(async (t) => {
  const app = await startApp(cleanup, route);
  const sidecar = await startSidecar(cleanup, { appPort: app.port });
  const client = new OutriggerClient({ port: sidecar.port });
  cleanup.teardown(() => client.close());
  t.context = { client, sidecar, app };
});
test.after.always(() => cleanup.run());

/** What the app recorded for the request whose URL contains `tag`. */
function seen(t: { context: { app: FakeApp } }, tag: string): RecordedRequest {
  const request = t.context.app.requests.find((r) => r.url.includes(tag));
  if (!request) throw new Error(`the app saw no request tagged ${tag}`);
  return request;
}

let counter = 0;
const tagged = (path: string) => `${path}/${++counter}`;

test('a JSON body, headers and query reach the app; its JSON answer comes back parsed', async (t) => {
  const method = tagged('echo/json');
  const answer = await t.context.client.invoke.call<{ method: string; url: string; body: string }>(t.context.sidecar.appId, method, {
    body: { order: 7 },
    headers: { 'X-Custom': 'kept' },
    query: { id: 7, tag: ['a', 'b c'], flag: true, skipped: undefined },
  });
  t.is(answer.method, 'POST', 'a body means POST');
  t.is(answer.url, `/${method}?id=7&tag=a&tag=b+c&flag=true`);
  t.deepEqual(JSON.parse(answer.body), { order: 7 });
  const request = seen(t, method);
  t.is(request.headers['content-type'], 'application/json');
  t.is(request.headers['x-custom'], 'kept');
});

test('no body means GET; the verb can be set', async (t) => {
  const { client, sidecar } = t.context;
  t.is((await client.invoke.call<{ method: string }>(sidecar.appId, tagged('echo/get'))).method, 'GET');
  const put = await client.invoke.call<{ method: string; body: string }>(sidecar.appId, tagged('echo/put'), { verb: 'PUT', body: 'plain text' });
  t.is(put.method, 'PUT');
  t.is(put.body, 'plain text');
  t.is((await client.invoke.call<{ method: string }>(sidecar.appId, tagged('echo/delete'), { verb: 'DELETE' })).method, 'DELETE');
});

test('a string body goes as text, bytes as octet-stream, unless a content type is given', async (t) => {
  const { client, sidecar } = t.context;
  const text = tagged('echo/text');
  await client.invoke.call(sidecar.appId, text, { body: 'hi' });
  t.is(seen(t, text).headers['content-type'], 'text/plain; charset=utf-8');
  const bytes = tagged('echo/bytes');
  await client.invoke.call(sidecar.appId, bytes, { body: Buffer.from([1, 2, 3]) });
  t.is(seen(t, bytes).headers['content-type'], 'application/octet-stream');
  t.deepEqual([...seen(t, bytes).body], [1, 2, 3]);
  const xml = tagged('echo/xml');
  await client.invoke.call(sidecar.appId, xml, { body: '<a/>', headers: { 'Content-Type': 'application/xml' } });
  t.is(seen(t, xml).headers['content-type'], 'application/xml');
});

test('method segments are encoded; slashes separate them', async (t) => {
  const method = tagged('echo/orders/a b');
  const answer = await t.context.client.invoke.call<{ url: string }>(t.context.sidecar.appId, `/${method}`);
  t.is(answer.url, `/${method.replace(' ', '%20')}`);
});

test('answers are decoded by content type', async (t) => {
  const { client, sidecar } = t.context;
  t.is(await client.invoke.call<string>(sidecar.appId, 'text'), 'hello');
  const bytes = await client.invoke.call<Buffer>(sidecar.appId, 'bytes');
  t.true(Buffer.isBuffer(bytes));
  t.deepEqual([...bytes], [0, 1, 254, 255]);
  const empty = await client.invoke.request(sidecar.appId, 'empty');
  t.is(empty.status, 204);
  t.is(empty.data, undefined);
});

test('request() passes a non-2xx app answer through with status, headers and data', async (t) => {
  const response = await t.context.client.invoke.request<{ reason: string }>(t.context.sidecar.appId, 'teapot', { body: {} });
  t.is(response.status, 418);
  t.is(response.headers['x-why'], 'teapot');
  t.deepEqual(response.data, { reason: 'short and stout' });
});

test('call() throws AppError with the app status and answer, not a SidecarError', async (t) => {
  const { client, sidecar } = t.context;
  const err = await t.throwsAsync(client.invoke.call(sidecar.appId, 'teapot'), { instanceOf: AppError });
  t.false(err instanceof SidecarError);
  t.is(err?.name, 'AppError');
  t.is(err?.status, 418);
  t.is(err?.appId, sidecar.appId);
  t.is(err?.method, 'teapot');
  t.deepEqual(err?.data, { reason: 'short and stout' });
  t.is(err?.headers['x-why'], 'teapot');
  t.regex(err?.message ?? '', /418/);

  const crash = await t.throwsAsync(client.invoke.call(sidecar.appId, 'broken'), { instanceOf: AppError });
  t.is(crash?.status, 500, 'an app 500 is still the app\'s answer');
  t.is(crash?.data, 'app crashed');
  const missing = await t.throwsAsync(client.invoke.call(sidecar.appId, 'nowhere'), { instanceOf: AppError });
  t.is(missing?.status, 404, 'a JSON body with "message" but no errorCode is the app\'s');
});

test('the sidecar\'s own failure is a SidecarError ERR_DIRECT_INVOKE, from request() and call()', async (t) => {
  const { client } = t.context;
  for (const call of [() => client.invoke.request('no-such-app', 'x'), () => client.invoke.call('no-such-app', 'x')]) {
    const err = await t.throwsAsync(call(), { instanceOf: SidecarError });
    t.is(err?.errorCode, 'ERR_DIRECT_INVOKE');
    t.is(err?.status, 500);
    t.regex(err?.message ?? '', /no-such-app/);
  }
});
