import test from 'ava';
import { startApp } from '../../harness/app.js';
import { startAppServer } from '../../harness/app-server.js';
import type { Owner } from '../../harness/cleanup.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startSidecar } from '../../harness/sidecar.js';
import { OutriggerClient, SidecarError, type AppServer, type TopicEvent } from '../../../sdk/src/index.js';

interface Order {
  readonly id: number;
  readonly items: string[];
}

async function pubsubApp(t: Owner, type: string, setup: (server: AppServer) => void) {
  const { host, port } = redisAddress();
  const metadata: Record<string, string> = type === 'pubsub.redis' ? { redisHost: `${host}:${port}` } : {};
  const dir = await resourcesDir(t, { 'pubsub.yaml': componentYaml('orders', type, metadata) });
  return startAppServer(t, setup, {}, { resourcesPaths: [dir] });
}

for (const type of ['pubsub.in-memory', 'pubsub.redis']) {
  test(`${type}: a published object reaches the subscribed handler as a typed CloudEvent`, async (t) => {
    const topic = uniqueId('orders');
    const received: Array<TopicEvent<Order>> = [];
    const { client, sidecar } = await pubsubApp(t, type, (server) => server.subscribe<Order>('orders', topic, (event) => void received.push(event)));

    await client.pubsub.publish('orders', topic, { id: 7, items: ['tea'] });
    await waitUntil('the event is delivered', () => received.length > 0, { timeoutMs: 30_000 });
    const [event] = received;
    t.deepEqual(event?.data, { id: 7, items: ['tea'] });
    t.like(event, { topic, pubsubName: 'orders', type: 'com.dapr.event.sent', source: sidecar.appId, contentType: 'application/json' });
    t.truthy(event?.id);
    t.is(event?.cloudEvent['specversion'], '1.0');
  });
}

test('text arrives as a string, bytes as a Buffer, and a raw payload without a CloudEvent around it', async (t) => {
  const [textTopic, bytesTopic, rawTopic] = [uniqueId('text'), uniqueId('bytes'), uniqueId('raw')];
  const received = new Map<string, TopicEvent>();
  const { client } = await pubsubApp(t, 'pubsub.in-memory', (server) => {
    for (const topic of [textTopic, bytesTopic]) server.subscribe('orders', topic, (event) => void received.set(topic, event));
    server.subscribe('orders', rawTopic, (event) => void received.set(rawTopic, event), { metadata: { rawPayload: 'true' } });
  });

  await client.pubsub.publish('orders', textTopic, 'hello');
  await client.pubsub.publish('orders', bytesTopic, Buffer.from([0, 1, 255]));
  await client.pubsub.publish('orders', rawTopic, 'as is', { rawPayload: true });
  await waitUntil('all three are delivered', () => received.size === 3, { timeoutMs: 30_000 });
  t.is(received.get(textTopic)?.data, 'hello');
  t.is(received.get(textTopic)?.contentType, 'text/plain; charset=utf-8');
  t.deepEqual(received.get(bytesTopic)?.data, Buffer.from([0, 1, 255]));
  t.deepEqual(received.get(rawTopic)?.data, Buffer.from('as is'));
});

test('publishBulk delivers every entry and reports none failed', async (t) => {
  const topic = uniqueId('bulk');
  const received: unknown[] = [];
  const { client } = await pubsubApp(t, 'pubsub.redis', (server) => server.subscribe('orders', topic, (event) => void received.push(event.data)));

  const result = await client.pubsub.publishBulk('orders', topic, [{ event: { n: 1 } }, { event: 'two' }, { event: Buffer.from('three'), entryId: 'e-3' }]);
  t.deepEqual(result, { failedEntries: [] });
  await waitUntil('the three entries are delivered', () => received.length === 3, { timeoutMs: 30_000 });
  t.deepEqual(new Set(received.map((d) => (Buffer.isBuffer(d) ? d.toString() : JSON.stringify(d)))), new Set(['{"n":1}', '"two"', 'three']));
});

test('publishing to an unknown pubsub is a SidecarError ERR_PUBSUB_NOT_FOUND', async (t) => {
  const { client } = await pubsubApp(t, 'pubsub.in-memory', () => undefined);
  t.is((await t.throwsAsync(client.pubsub.publish('nope', 't', 1), { instanceOf: SidecarError })).errorCode, 'ERR_PUBSUB_NOT_FOUND');
  t.is((await t.throwsAsync(client.pubsub.publishBulk('nope', 't', [{ event: 1 }]), { instanceOf: SidecarError })).errorCode, 'ERR_PUBSUB_NOT_FOUND');
});

test('options become Dapr\'s query metadata and content type; a topic keeps its slashes', async (t) => {
  const sidecar = await startApp(t, (_req, res) => void res.writeHead(204).end());
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());
  await client.pubsub.publish('orders', 'eu/new orders', { id: 1 }, { contentType: 'application/cloudevents+json', rawPayload: false, ttlInSeconds: 30, metadata: { partitionKey: 'p' } });
  const [call] = sidecar.calls();
  t.is(call?.url, '/v1.0/publish/orders/eu/new%20orders?metadata.partitionKey=p&metadata.rawPayload=false&metadata.ttlInSeconds=30');
  t.is(call?.headers['content-type'], 'application/cloudevents+json');
  t.deepEqual(JSON.parse(call!.body.toString()), { id: 1 });
});

test('entries the broker refused come back in failedEntries with the entry that was given', async (t) => {
  const sidecar = await startApp(t, (req, res) => {
    const [first] = JSON.parse(req.body.toString()) as Array<{ entryId: string }>;
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ failedEntries: [{ entryId: first!.entryId, error: 'broker said no' }], errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE' }));
  });
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());
  const entries = [{ event: { n: 1 }, metadata: { k: 'v' } }, { event: 'two', entryId: 'mine' }];
  const { failedEntries } = await client.pubsub.publishBulk('orders', 'topic', entries);
  t.is(failedEntries.length, 1);
  t.is(failedEntries[0]?.error, 'broker said no');
  t.is(failedEntries[0]?.entry, entries[0]);
  const sent = JSON.parse(sidecar.calls()[0]!.body.toString()) as unknown[];
  t.like(sent[0], { event: { n: 1 }, contentType: 'application/json', metadata: { k: 'v' } });
  t.deepEqual(sent[1], { entryId: 'mine', event: 'two', contentType: 'text/plain' });
  t.is(sidecar.calls()[0]?.url, '/v1.0-alpha1/publish/bulk/orders/topic');
});
