/**
 * The official Dapr JS SDK (@dapr/dapr, HTTP protocol) against our sidecar, unchanged: a
 * DaprServer subscribes (its `/dapr/subscribe` and `--` routes), a DaprClient publishes, and
 * the handler's RETRY and DROP answers are honoured. DaprServer is a process singleton: one per file.
 */
import anyTest, { type TestFn } from 'ava';
import { CommunicationProtocolEnum, DaprClient, DaprPubSubStatusEnum, DaprServer, LogLevel } from '@dapr/dapr';
import { Cleanup } from '../../harness/cleanup.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { uniqueId } from '../../harness/ids.js';
import { freePortForTest } from '../../harness/ports.js';
import { startSidecar } from '../../harness/sidecar.js';

const test = anyTest as TestFn<{ client: DaprClient }>;
const cleanup = new Cleanup();
const PUBSUB = 'pubsub';

/** What each topic's handler saw, and what it answers per attempt. */
const seen: Record<string, unknown[]> = { plain: [], retried: [], dropped: [], dead: [] };
let retriedAttempts = 0;

test.before(async (t) => {
  const appPort = await freePortForTest();
  const dir = await resourcesDir(cleanup, {
    'pubsub.yaml': componentYaml(PUBSUB, 'pubsub.in-memory', { deliveryRetryInterval: '50ms' }),
  });
  const sidecar = await startSidecar(cleanup, { appId: uniqueId('sdk-pubsub'), appPort, resourcesPaths: [dir] });
  const clientOptions = { daprHost: '127.0.0.1', daprPort: String(sidecar.port), communicationProtocol: CommunicationProtocolEnum.HTTP, logger: { level: LogLevel.Error } };
  const server = new DaprServer({ serverHost: '127.0.0.1', serverPort: String(appPort), communicationProtocol: CommunicationProtocolEnum.HTTP, clientOptions, logger: { level: LogLevel.Error } });
  await server.pubsub.subscribe(PUBSUB, 'plain', async (data: unknown) => void seen['plain']!.push(data));
  await server.pubsub.subscribe(PUBSUB, 'retried', async (data: unknown) => {
    seen['retried']!.push(data);
    return ++retriedAttempts < 3 ? DaprPubSubStatusEnum.RETRY : DaprPubSubStatusEnum.SUCCESS;
  });
  await server.pubsub.subscribeWithOptions(PUBSUB, 'dropped', {
    deadLetterTopic: 'dropped-dead',
    callback: async (data: unknown) => {
      seen['dropped']!.push(data);
      return DaprPubSubStatusEnum.DROP;
    },
  });
  await server.pubsub.subscribe(PUBSUB, 'dropped-dead', async (data: unknown) => void seen['dead']!.push(data));
  await server.start();
  cleanup.teardown(() => server.stop());
  const client = new DaprClient(clientOptions);
  cleanup.teardown(() => client.stop());
  await waitUntil('the sidecar subscribed to the four topics', async () => ((await client.metadata.get()) as { subscriptions?: unknown[] }).subscriptions?.length === 4, { timeoutMs: 20_000 });
  t.context = { client };
});
test.after.always(() => cleanup.run());

test.serial('DaprClient publishes JSON and text; DaprServer handlers receive the data', async (t) => {
  const { client } = t.context;
  t.deepEqual(await client.pubsub.publish(PUBSUB, 'plain', { order: 1 }), {});
  t.deepEqual(await client.pubsub.publish(PUBSUB, 'plain', 'hello'), {});
  await waitUntil('both arrived', () => seen['plain']!.length === 2);
  t.deepEqual(seen['plain'], [{ order: 1 }, 'hello']);
});

test.serial('a handler answering RETRY gets the message again until it answers SUCCESS', async (t) => {
  await t.context.client.pubsub.publish(PUBSUB, 'retried', { n: 1 });
  await waitUntil('three attempts', () => seen['retried']!.length === 3);
  t.deepEqual(seen['retried'], [{ n: 1 }, { n: 1 }, { n: 1 }]);
});

test.serial('a handler answering DROP is not retried, and the message goes to its dead-letter topic', async (t) => {
  await t.context.client.pubsub.publish(PUBSUB, 'dropped', { n: 2 });
  await waitUntil('the dead-letter handler got it', () => seen['dead']!.length === 1);
  t.deepEqual(seen['dropped'], [{ n: 2 }]);
  t.deepEqual(seen['dead'], [{ n: 2 }]);
});

test.serial('DaprClient bulk publish reports no failed entries', async (t) => {
  const result = await t.context.client.pubsub.publishBulk(PUBSUB, 'plain', [{ bulk: 1 }, { bulk: 2 }]);
  t.deepEqual(result.failedMessages, []);
  await waitUntil('both bulk messages arrived', () => seen['plain']!.length === 4);
  t.deepEqual(seen['plain']!.slice(2), [{ bulk: 1 }, { bulk: 2 }]);
});
