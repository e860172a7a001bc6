/** `bindings.rabbitmq` through a real sidecar and app against the real RabbitMQ. */
import test, { type ExecutionContext } from 'ava';
import amqp from 'amqplib';
import { startApp } from '../../../harness/app.js';
import { waitUntil } from '../../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../../harness/files.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { uniqueId } from '../../../harness/ids.js';
import { startSidecar } from '../../../harness/sidecar.js';
import { TcpProxy } from '../../../harness/tcp-proxy.js';
import { failFirst, restoreAndExpectDelivery, takeEvery, type AppHandler } from './apps.js';

const BROKER = { host: '127.0.0.1', port: 5672 };
const url = (port: number) => `amqp://guest:guest@127.0.0.1:${port}`;

async function setup(t: ExecutionContext, handler: AppHandler, port = BROKER.port) {
  const queueName = uniqueId('binding');
  t.teardown(() => deleteQueue(queueName));
  const app = await startApp(t, handler);
  const dir = await resourcesDir(t, { 'q.yaml': componentYaml('jobs', 'bindings.rabbitmq', { host: url(port), queueName, durable: 'true', direction: 'input, output' }) });
  const sidecar = await startSidecar(t, { appPort: app.port, resourcesPaths: [dir] });
  const send = (data: unknown, metadata: Record<string, string> = {}) =>
    http('POST', `${sidecar.url}/v1.0/bindings/jobs`, { json: { operation: 'create', data, metadata } });
  const received = () => app.calls().filter((r) => r.method === 'POST' && r.url === '/jobs').map((r) => r.body.toString());
  return { app, sidecar, send, received };
}

async function deleteQueue(queueName: string): Promise<void> {
  const connection = await amqp.connect(url(BROKER.port));
  const channel = await connection.createChannel();
  await channel.deleteQueue(queueName);
  await connection.close();
}

test('create sends the data through the queue to the app', async (t) => {
  const { send, received } = await setup(t, takeEvery);
  t.is((await send({ order: 1 })).status, 204);
  t.is((await send('two')).status, 204);
  await waitUntil('both messages reached the app', () => received().length === 2, { timeoutMs: 20_000 });
  t.deepEqual(received().sort(), ['"two"', '{"order":1}']);
});

test('a message the app fails is requeued and delivered again', async (t) => {
  const { send, received } = await setup(t, failFirst(2, 500));
  await send('retry me');
  await waitUntil('the app took the message on the third delivery', () => received().length === 3, { timeoutMs: 30_000 });
  t.deepEqual(received(), ['"retry me"', '"retry me"', '"retry me"']);
});

test('while RabbitMQ is unreachable create fails clearly; once it is back both faces recover', async (t) => {
  const proxy = await TcpProxy.start(BROKER);
  t.teardown(() => proxy.close());
  const { send, received } = await setup(t, takeEvery, proxy.port);
  t.is((await send('before')).status, 204);
  await waitUntil('the first message arrived', () => received().length === 1, { timeoutMs: 20_000 });

  await proxy.cut();
  const during = await send('during');
  t.is(during.status, 500);
  t.is(during.json<DaprErrorBody>().errorCode, 'ERR_INVOKE_OUTPUT_BINDING');
  // Usually the connection is known to be down already; if not, the broker's confirm never comes.
  t.regex(during.json<DaprErrorBody>().message, /rabbitmq amqp:\/\/\*\*\*@127\.0\.0\.1:\d+ is unreachable|rabbitmq did not confirm/);

  await restoreAndExpectDelivery(proxy, send, received);
  t.false(received().includes('"during"'));
});
