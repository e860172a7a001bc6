import test from 'ava';
import { startApp } from '../../../harness/app.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { startSidecar } from '../../../harness/sidecar.js';
import { freePortForTest } from '../../../harness/ports.js';

test('invoke forwards verb, path, query, headers and body, and returns the app response unchanged', async (t) => {
  const app = await startApp(t, (_req, res) => {
    res.writeHead(201, { 'content-type': 'text/plain', 'x-app': 'yes' });
    res.end('created');
  });
  const sidecar = await startSidecar(t, { appPort: app.port });
  const res = await http('PUT', `${sidecar.url}/v1.0/invoke/${sidecar.appId}/method/api/v1/orders?id=7&x=a%20b`, {
    body: 'payload',
    headers: { 'content-type': 'text/plain', 'x-custom': 'kept', 'dapr-caller-app-id': 'spoofed', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  });
  t.is(res.status, 201);
  t.is(res.text, 'created');
  t.is(res.headers.get('x-app'), 'yes');
  t.is(res.headers.get('content-type'), 'text/plain');
  const seen = app.calls()[0]!;
  t.is(seen.method, 'PUT');
  t.is(seen.url, '/api/v1/orders?id=7&x=a%20b');
  t.is(seen.body.toString(), 'payload');
  t.is(seen.headers['x-custom'], 'kept');
  t.is(seen.headers['content-type'], 'text/plain');
  t.is(seen.headers['traceparent'], '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  t.is(seen.headers['dapr-caller-app-id'], sidecar.appId, 'the sidecar sets the caller id itself');
  t.is(seen.headers['dapr-callee-app-id'], sidecar.appId);
});

test('the app error status and body pass through', async (t) => {
  const app = await startApp(t, (_req, res) => {
    res.writeHead(409, { 'content-type': 'application/json' });
    res.end('{"reason":"conflict"}');
  });
  const sidecar = await startSidecar(t, { appPort: app.port });
  const res = await http('POST', `${sidecar.url}/v1.0/invoke/${sidecar.appId}/method/x`, { json: {} });
  t.is(res.status, 409);
  t.deepEqual(res.json(), { reason: 'conflict' });
});

test('the dapr-app-id header routes any unmatched path to the app', async (t) => {
  const app = await startApp(t, (_req, res) => void res.end('ok'));
  const sidecar = await startSidecar(t, { appPort: app.port });
  const res = await http('GET', `${sidecar.url}/orders/42?full=1`, { headers: { 'dapr-app-id': sidecar.appId } });
  t.is(res.text, 'ok');
  t.is(app.calls()[0]!.url, '/orders/42?full=1');
  t.is(app.calls()[0]!.headers['dapr-app-id'], undefined, 'the addressing header is not forwarded');
});

test('dot segments are resolved before forwarding', async (t) => {
  const app = await startApp(t, (_req, res) => void res.end());
  const sidecar = await startSidecar(t, { appPort: app.port });
  await http('GET', `${sidecar.url}/v1.0/invoke/${sidecar.appId}/method/a/%2E%2E/b`);
  t.is(app.calls()[0]!.url, '/b');
});

test('another app id is a 500 ERR_DIRECT_INVOKE naming it', async (t) => {
  const sidecar = await startSidecar(t);
  const res = await http('POST', `${sidecar.url}/v1.0/invoke/elsewhere/method/x`);
  t.is(res.status, 500);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_DIRECT_INVOKE');
  t.regex(res.json<DaprErrorBody>().message, /elsewhere/);
});

test('an app that is not listening is a 500 with a clear message', async (t) => {
  const port = await freePortForTest();
  const sidecar = await startSidecar(t, { appPort: port });
  const res = await http('GET', `${sidecar.url}/v1.0/invoke/${sidecar.appId}/method/x`);
  t.is(res.status, 500);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_DIRECT_INVOKE');
  t.regex(res.json<DaprErrorBody>().message, /refused the connection/);
});

test('without --app-port, invoking the app is a 500 that says so', async (t) => {
  const sidecar = await startSidecar(t);
  const res = await http('GET', `${sidecar.url}/v1.0/invoke/${sidecar.appId}/method/x`);
  t.is(res.status, 500);
  t.regex(res.json<DaprErrorBody>().message, /--app-port/);
});

test('an unknown route without dapr-app-id is a 404 ERR_DIRECT_INVOKE', async (t) => {
  const sidecar = await startSidecar(t);
  for (const path of ['/nothing/here', '/v1.0/invoke/app', '/v1.0/invoke/app/nomethod']) {
    const res = await http('POST', `${sidecar.url}${path}`);
    t.is(res.status, 404, path);
    t.is(res.json<DaprErrorBody>().message, 'failed getting app id either from the URL path or the header dapr-app-id');
  }
});
