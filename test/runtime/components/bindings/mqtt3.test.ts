/** `bindings.mqtt3` through a real sidecar and app against the real Mosquitto. */
import test, { type ExecutionContext } from 'ava';
import { startApp } from '../../../harness/app.js';
import { waitUntil } from '../../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../../harness/files.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { uniqueId } from '../../../harness/ids.js';
import { startSidecar } from '../../../harness/sidecar.js';
import { TcpProxy } from '../../../harness/tcp-proxy.js';
import { failFirst, restoreAndExpectDelivery, takeEvery, type AppHandler } from './apps.js';

const BROKER = { host: '127.0.0.1', port: 1883 };

async function setup(t: ExecutionContext, handler: AppHandler, metadata: Record<string, string> = {}, port = BROKER.port) {
  const topic = `outrigger/${uniqueId('binding')}`;
  const app = await startApp(t, handler);
  const dir = await resourcesDir(t, {
    'm.yaml': componentYaml('events', 'bindings.mqtt3', { url: `tcp://127.0.0.1:${port}`, topic, consumerID: uniqueId('c'), qos: '1', ...metadata }),
  });
  const sidecar = await startSidecar(t, { appPort: app.port, resourcesPaths: [dir] });
  const send = (data: unknown) => http('POST', `${sidecar.url}/v1.0/bindings/events`, { json: { operation: 'create', data } });
  const received = () => app.calls().filter((r) => r.method === 'POST').map((r) => r.body.toString());
  // The subscription is made once the app answered the probe; publishing earlier would miss it.
  await waitUntil('the binding subscribed', () => /delivering input binding events/.test(sidecar.output()), { timeoutMs: 20_000 });
  return { app, sidecar, topic, send, received };
}

test('create publishes the data and the input delivers it with its topic as a header', async (t) => {
  const { app, topic, send, received } = await setup(t, takeEvery);
  t.is((await send({ temperature: 21 })).status, 204);
  await waitUntil('the message reached the app', () => received().length === 1, { timeoutMs: 20_000 });
  const event = app.calls().find((r) => r.method === 'POST');
  t.is(event?.url, '/events');
  t.is(event?.body.toString(), '{"temperature":21}');
  t.is(event?.headers['topic'], topic);
});

test('a message the app fails is retried up to backOffMaxRetries times', async (t) => {
  const { send, received } = await setup(t, failFirst(2, 503), { backOffMaxRetries: '3' });
  await send('again');
  await waitUntil('the third delivery succeeded', () => received().length === 3, { timeoutMs: 30_000 });
  t.deepEqual(received(), ['"again"', '"again"', '"again"']);
});

test('while the broker is unreachable create fails clearly; once it is back both faces recover', async (t) => {
  const proxy = await TcpProxy.start(BROKER);
  t.teardown(() => proxy.close());
  const { send, received } = await setup(t, takeEvery, {}, proxy.port);
  await proxy.cut();
  await waitUntil('create fails', async () => (await send('during')).status === 500, { timeoutMs: 20_000, intervalMs: 100 });
  const during = await send('during');
  t.is(during.json<DaprErrorBody>().errorCode, 'ERR_INVOKE_OUTPUT_BINDING');
  t.regex(during.json<DaprErrorBody>().message, /the MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+ is not connected/);

  await restoreAndExpectDelivery(proxy, send, received);
  t.pass();
});
