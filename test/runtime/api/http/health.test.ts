import { createServer } from 'node:http';
import test from 'ava';
import { waitUntil } from '../../../harness/eventually.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { freePortForTest } from '../../../harness/ports.js';
import { startSidecar } from '../../../harness/sidecar.js';

test('healthz is 204 at once when there is no app to wait for', async (t) => {
  const sidecar = await startSidecar(t);
  t.is((await http('GET', `${sidecar.url}/v1.0/healthz`)).status, 204);
  t.is((await http('GET', `${sidecar.url}/v1.0/healthz/outbound`)).status, 204);
});

test('healthz is 500 until the app port accepts connections, outbound is 204 before', async (t) => {
  const appPort = await freePortForTest();
  const sidecar = await startSidecar(t, { appPort });
  const before = await http('GET', `${sidecar.url}/v1.0/healthz`);
  t.is(before.status, 500);
  t.is(before.json<DaprErrorBody>().errorCode, 'ERR_HEALTH_NOT_READY');
  t.is((await http('GET', `${sidecar.url}/v1.0/healthz/outbound`)).status, 204);

  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(appPort, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  await waitUntil('healthz turned 204', async () => (await http('GET', `${sidecar.url}/v1.0/healthz`)).status === 204);
  t.pass();
});

test('healthz with another appid is ERR_HEALTH_APPID_NOT_MATCH', async (t) => {
  const sidecar = await startSidecar(t);
  const res = await http('GET', `${sidecar.url}/v1.0/healthz?appid=someone-else`);
  t.is(res.status, 500);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_HEALTH_APPID_NOT_MATCH');
  t.is((await http('GET', `${sidecar.url}/v1.0/healthz?appid=${sidecar.appId}`)).status, 204);
});

test('POST /v1.0/shutdown answers 204 and the sidecar exits cleanly', async (t) => {
  const sidecar = await startSidecar(t);
  const exited = new Promise<number | null>((resolve) => sidecar.process.once('exit', resolve));
  t.is((await http('POST', `${sidecar.url}/v1.0/shutdown`)).status, 204);
  t.is(await exited, 0);
});
