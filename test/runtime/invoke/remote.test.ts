import test from 'ava';
import { ApiError } from '../../../runtime/src/errors/index.js';
import { callerService, call, fakeDirectory, startCallee } from './fixtures.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

test('invoke reaches an instance of another app and returns its response unchanged', async (t) => {
  const orders = await startCallee(t, 'orders', (_req, res) => {
    res.writeHead(201, { 'content-type': 'application/octet-stream', 'x-app': 'orders' });
    res.end(Buffer.from([0, 1, 2, 255]));
  });
  const invoke = callerService(t, fakeDirectory([orders.host]));
  const response = await invoke.invoke(
    call('orders', 'api/v1/orders', {
      verb: 'PUT',
      query: 'id=7&x=a%20b',
      body: 'payload',
      headers: { 'content-type': 'text/plain', 'x-custom': 'kept', traceparent: TRACEPARENT, tracestate: 'k=v', connection: 'x-hop', 'x-hop': 'dropped', 'keep-alive': '5' },
    }),
  );
  t.is(response.status, 201);
  t.deepEqual([...response.body], [0, 1, 2, 255]);
  t.is(response.headers['x-app'], 'orders');
  t.is(response.headers['content-type'], 'application/octet-stream');
  const seen = orders.app!.requests[0]!;
  t.is(seen.method, 'PUT');
  t.is(seen.url, '/api/v1/orders?id=7&x=a%20b');
  t.is(seen.body.toString(), 'payload');
  t.like(seen.headers, { 'content-type': 'text/plain', 'x-custom': 'kept', traceparent: TRACEPARENT, tracestate: 'k=v' });
  t.is(seen.headers['x-hop'], undefined, 'headers named in Connection are hop-by-hop');
  t.is(seen.headers['keep-alive'], undefined);
});

test('invoke sets the caller identity from the link and replaces spoofed identity headers', async (t) => {
  const orders = await startCallee(t, 'orders', (_req, res) => void res.end());
  const invoke = callerService(t, fakeDirectory([orders.host]));
  await invoke.invoke(call('orders', 'x', { headers: { 'dapr-caller-app-id': 'admin', 'dapr-callee-app-id': 'bank', 'dapr-caller-namespace': 'root', 'dapr-app-id': 'orders' } }));
  const seen = orders.app!.requests[0]!.headers;
  t.is(seen['dapr-caller-app-id'], 'caller');
  t.is(seen['dapr-caller-namespace'], 'default');
  t.is(seen['dapr-callee-app-id'], 'orders');
  t.is(seen['dapr-app-id'], undefined, 'the addressing header is not forwarded');
});

test('invoke goes round-robin over the instances of one app id', async (t) => {
  const a = await startCallee(t, 'orders', (_req, res) => void res.end('a'));
  const b = await startCallee(t, 'orders', (_req, res) => void res.end('b'));
  const invoke = callerService(t, fakeDirectory([a.host, b.host]));
  const answers: string[] = [];
  for (let i = 0; i < 4; i++) answers.push((await invoke.invoke(call('orders', 'x'))).body.toString());
  t.deepEqual(answers, ['a', 'b', 'a', 'b']);
});

test('invoke app.namespace looks the app up in that namespace', async (t) => {
  const shop = await startCallee(t, 'orders', (_req, res) => void res.end('shop'), 'shop');
  const directory = fakeDirectory([shop.host]);
  const invoke = callerService(t, directory);
  t.is((await invoke.invoke(call('orders.shop', 'x'))).body.toString(), 'shop');
  t.deepEqual(directory.asked, ['orders.shop']);
  const error = await t.throwsAsync(invoke.invoke(call('orders', 'x')), { instanceOf: ApiError });
  t.is(error.status, 500, 'without a namespace, the caller’s own (default) is meant');
});

test('invoke an app with no instance is a 500 ERR_DIRECT_INVOKE naming it', async (t) => {
  const invoke = callerService(t, fakeDirectory([]));
  const error = await t.throwsAsync(invoke.invoke(call('ghost', 'x')), { instanceOf: ApiError });
  t.is(error.status, 500);
  t.is(error.code, 'ERR_DIRECT_INVOKE');
  t.is(error.message, "failed to invoke, id: ghost, err: couldn't find service: ghost");
});

test('invoke an app its sidecar cannot reach is a 500 with the callee’s message', async (t) => {
  const orders = await startCallee(t, 'orders', 'not listening');
  const invoke = callerService(t, fakeDirectory([orders.host]));
  const error = await t.throwsAsync(invoke.invoke(call('orders', 'x')), { instanceOf: ApiError });
  t.is(error.status, 500);
  t.is(error.code, 'ERR_DIRECT_INVOKE');
  t.regex(error.message, /^failed to invoke, id: orders, err: the app at http:\/\/127\.0\.0\.1:\d+ refused the connection/);
});

test('invoke the callee app’s 404 and 500 pass through as responses', async (t) => {
  const orders = await startCallee(t, 'orders', (req, res) => {
    res.writeHead(req.url === '/missing' ? 404 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url }));
  });
  const invoke = callerService(t, fakeDirectory([orders.host]));
  const missing = await invoke.invoke(call('orders', 'missing', { verb: 'GET' }));
  t.is(missing.status, 404);
  t.deepEqual(JSON.parse(missing.body.toString()), { url: '/missing' });
  const broken = await invoke.invoke(call('orders', 'broken', { verb: 'GET' }));
  t.is(broken.status, 500);
  t.is(broken.headers['content-type'], 'application/json');
});

test('invoke a sidecar asked for an app it does not serve answers 500 ERR_DIRECT_INVOKE', async (t) => {
  const billing = await startCallee(t, 'billing', (_req, res) => void res.end());
  const invoke = callerService(t, fakeDirectory([{ ...billing.host, appId: 'orders' }]));
  const error = await t.throwsAsync(invoke.invoke(call('orders', 'x')), { instanceOf: ApiError });
  t.is(error.code, 'ERR_DIRECT_INVOKE');
  t.is(error.status, 500);
  t.is(billing.app!.requests.length, 0);
});

test('invoke a dead instance is skipped: the call is retried on the live one', async (t) => {
  const live = await startCallee(t, 'orders', (_req, res) => void res.end('live'));
  const dead = { ...live.host, hostId: 'dead', address: '127.0.0.1:1' };
  const invoke = callerService(t, fakeDirectory([dead, live.host]));
  for (let i = 0; i < 3; i++) t.is((await invoke.invoke(call('orders', 'x'))).body.toString(), 'live');
});

test('invoke calling its own app id goes to the local app, not the directory', async (t) => {
  const directory = fakeDirectory([]);
  const invoke = callerService(t, directory, { appId: 'orders' });
  const error = await t.throwsAsync(invoke.invoke(call('orders', 'x')), { instanceOf: ApiError });
  t.regex(error.message, /--app-port/);
  t.deepEqual(directory.asked, []);
});
