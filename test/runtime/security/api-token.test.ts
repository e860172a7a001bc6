/** DAPR_API_TOKEN guards the API; APP_API_TOKEN is what the sidecar shows its app. */
import test from 'ava';
import { startApp } from '../../harness/app.js';
import { http } from '../../harness/http.js';
import { startSidecar } from '../../harness/sidecar.js';

const TOKEN = 's3cret-token';

test('with DAPR_API_TOKEN every API call needs the token, except the health checks', async (t) => {
  const app = await startApp(t, (_req, res) => void res.end('ok'));
  const sidecar = await startSidecar(t, { appPort: app.port, env: { DAPR_API_TOKEN: TOKEN } });
  for (const path of ['/v1.0/state/statestore/k', '/v1.0/metadata', `/v1.0/invoke/${sidecar.appId}/method/hello`, '/v1.0/actors/T/1/method/m', '/no/such/route']) {
    const missing = await http('GET', `${sidecar.url}${path}`);
    t.is(missing.status, 401, `${path} without a token`);
    t.is(missing.text, 'invalid api token');
    t.is(missing.headers.get('content-type'), 'text/plain');
    const wrong = await http('GET', `${sidecar.url}${path}`, { headers: { 'dapr-api-token': `${TOKEN}x` } });
    t.is(wrong.status, 401, `${path} with a wrong token`);
  }
  t.is((await http('GET', `${sidecar.url}/v1.0/healthz`)).status, 204);
  t.is((await http('GET', `${sidecar.url}/v1.0/healthz/outbound`)).status, 204);

  const saved = await http('POST', `${sidecar.url}/v1.0/state/statestore`, { json: [{ key: 'k', value: 1 }], headers: { 'dapr-api-token': TOKEN } });
  t.is(saved.status, 204);
  const invoked = await http('POST', `${sidecar.url}/v1.0/invoke/${sidecar.appId}/method/hello`, { headers: { 'dapr-api-token': TOKEN } });
  t.is(invoked.status, 200);
  t.false('dapr-api-token' in app.calls().at(-1)!.headers, "the app never sees the caller's token");
});

test('with APP_API_TOKEN the sidecar sends it on every call to the app, the actor config read included', async (t) => {
  const app = await startApp(t, (req, res) => {
    if (req.url === '/dapr/config') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"entities":[]}');
    res.end('ok');
  });
  const sidecar = await startSidecar(t, { appPort: app.port, env: { APP_API_TOKEN: 'for-the-app' } });
  const res = await http('POST', `${sidecar.url}/v1.0/invoke/${sidecar.appId}/method/hello`, { headers: { 'dapr-api-token': 'from-the-caller' } });
  t.is(res.status, 200);
  t.true(app.requests.length >= 2);
  for (const request of app.requests) t.is(request.headers['dapr-api-token'], 'for-the-app', `${request.method} ${request.url}`);
});
