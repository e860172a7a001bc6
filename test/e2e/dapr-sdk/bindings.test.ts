/**
 * The official Dapr JS SDK (@dapr/dapr, HTTP protocol) against our sidecar, unchanged:
 * DaprClient.binding.send to output bindings, DaprServer.binding.receive for input events.
 */
import anyTest, { type TestFn } from 'ava';
import { CommunicationProtocolEnum, DaprClient, DaprServer, LogLevel } from '@dapr/dapr';
import amqp from 'amqplib';
import { Cleanup } from '../../harness/cleanup.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { freePortForTest } from '../../harness/ports.js';
import { startSidecar } from '../../harness/sidecar.js';

const RABBIT = 'amqp://guest:guest@127.0.0.1:5672';
const test = anyTest as TestFn<{ client: DaprClient; received: unknown[]; keyPrefix: string }>;
const cleanup = new Cleanup();

/** One DaprServer for the file: the SDK keeps process-wide state. */
test.before(async (t) => {
  const { host, port } = redisAddress();
  const queueName = uniqueId('sdk-binding');
  cleanup.teardown(() => deleteQueue(queueName));
  const dir = await resourcesDir(cleanup, {
    'kv.yaml': componentYaml('kv', 'bindings.redis', { redisHost: `${host}:${port}` }),
    'orders.yaml': componentYaml('orders', 'bindings.rabbitmq', { host: RABBIT, queueName }),
  });
  const appPort = await freePortForTest();
  const sidecar = await startSidecar(cleanup, { appId: uniqueId('sdk-bindings'), appPort, resourcesPaths: [dir] });
  const clientOptions = { daprHost: '127.0.0.1', daprPort: String(sidecar.port), communicationProtocol: CommunicationProtocolEnum.HTTP, logger: { level: LogLevel.Error } };
  const server = new DaprServer({ serverHost: '127.0.0.1', serverPort: String(appPort), communicationProtocol: CommunicationProtocolEnum.HTTP, clientOptions, logger: { level: LogLevel.Error } });
  const received: unknown[] = [];
  let refuseNext = true;
  await server.binding.receive('orders', async (data: unknown) => {
    received.push(data);
    // The first event fails once, to show it comes back.
    if (refuseNext && (data as { refuseOnce?: boolean }).refuseOnce) {
      refuseNext = false;
      throw new Error('not yet');
    }
  });
  await server.start();
  cleanup.teardown(() => server.stop());
  const client = new DaprClient(clientOptions);
  cleanup.teardown(() => client.stop());
  await waitUntil('the sidecar delivers the rabbitmq binding', () => /delivering input binding events/.test(sidecar.output()), { timeoutMs: 30_000 });
  t.context = { client, received, keyPrefix: uniqueId('sdk') };
});
test.after.always(() => cleanup.run());

async function deleteQueue(queueName: string): Promise<void> {
  const connection = await amqp.connect(RABBIT);
  await (await connection.createChannel()).deleteQueue(queueName);
  await connection.close();
}

test('DaprClient.binding.send creates, gets and deletes through the redis binding', async (t) => {
  const { client, keyPrefix } = t.context;
  const key = `${keyPrefix}-k`;
  await client.binding.send('kv', 'create', { name: 'Luke' }, { key });
  t.deepEqual(await client.binding.send('kv', 'get', undefined, { key }), { name: 'Luke' });
  await client.binding.send('kv', 'delete', undefined, { key });
  t.falsy(await client.binding.send('kv', 'get', undefined, { key }));
});

test('DaprServer.binding.receive gets what DaprClient.binding.send put on the queue', async (t) => {
  const { client, received } = t.context;
  await client.binding.send('orders', 'create', { order: 42 });
  await waitUntil('the app received the order', () => received.some((d) => (d as { order?: number }).order === 42), { timeoutMs: 20_000 });
  t.pass();
});

test('an event the receive callback throws on is delivered again', async (t) => {
  const { client, received } = t.context;
  await client.binding.send('orders', 'create', { refuseOnce: true, order: 7 });
  await waitUntil('the order came twice', () => received.filter((d) => (d as { order?: number }).order === 7).length === 2, { timeoutMs: 30_000 });
  t.pass();
});

test('DaprClient.binding.send to an unknown binding or operation rejects', async (t) => {
  const { client } = t.context;
  await t.throwsAsync(client.binding.send('missing', 'create', {}));
  await t.throwsAsync(client.binding.send('kv', 'list', {}, { key: 'x' }));
});
