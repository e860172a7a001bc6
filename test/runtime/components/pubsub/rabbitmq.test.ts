import test from 'ava';
import amqp from 'amqplib';
import { rabbitmqPubSub } from '../../../../runtime/src/components/pubsub/rabbitmq.js';
import { waitUntil } from '../../../harness/eventually.js';
import { uniqueId } from '../../../harness/ids.js';
import { openPubSub, pubSubConformance, type ConformanceSetup } from './conformance.js';
import { sidecarFaults } from './sidecar-faults.js';
import { TcpProxy } from '../../../harness/tcp-proxy.js';

const BROKER = { host: '127.0.0.1', port: 5672 };
const url = (port = BROKER.port) => `amqp://guest:guest@${BROKER.host}:${port}`;

/** What the tests declared, deleted once the file is done: queues are `<consumerID>-<topic>`. */
const consumerIds = new Set<string>();
const topics = new Set<string>();

function consumerId(): string {
  const id = uniqueId('rabbit');
  consumerIds.add(id);
  return id;
}

function remember(topic: string): string {
  topics.add(topic);
  return topic;
}

test.after.always(async () => {
  const connection = await amqp.connect(url());
  const channel = await connection.createChannel();
  const queues = [...consumerIds].flatMap((id) => [...topics].map((topic) => `${id}-${topic}`));
  for (const queue of queues) {
    await channel.deleteQueue(queue);
    await channel.deleteQueue(`dlq-${queue}`);
    await channel.deleteExchange(`dlx-${queue}`);
  }
  for (const topic of topics) await channel.deleteExchange(topic);
  await connection.close();
});

const setup: ConformanceSetup = {
  definition: rabbitmqPubSub,
  metadata: () => ({ connectionString: url(), consumerID: consumerId(), requeueInFailure: 'true' }),
  topic: remember,
  abilities: { carriesMetadata: true, redelivers: true },
};

pubSubConformance('rabbitmq', setup);

sidecarFaults('rabbitmq', {
  type: 'pubsub.rabbitmq',
  broker: BROKER,
  metadata: (_t, port, topic) => {
    remember(topic);
    return { connectionString: url(port), consumerID: consumerId(), requeueInFailure: 'true', reconnectWait: '1s', publisherConfirm: 'true' };
  },
  refusal: /rabbitmq amqp:\/\/\*\*\*@127\.0\.0\.1:\d+ did not take the message/,
});

test('rabbitmq: a topic is an exchange and each consumerID has its queue <consumerID>-<topic>: one copy per consumerID, shared within it', async (t) => {
  const topic = remember(uniqueId('layout'));
  const [shared, other] = [consumerId(), consumerId()];
  const got: Record<string, string[]> = { a: [], b: [], other: [] };
  for (const [who, id] of [['a', shared], ['b', shared], ['other', other]] as const) {
    const pubsub = await openPubSub(t, setup, { consumerID: id });
    await pubsub.subscribe({ topic, metadata: {} }, async (m) => void got[who]!.push(m.data.toString()));
  }
  const publisher = await openPubSub(t, setup);
  for (let i = 0; i < 20; i++) await publisher.publish({ topic, data: Buffer.from(`m${i}`), metadata: {} });
  await waitUntil('every copy arrived', () => got['a']!.length + got['b']!.length === 20 && got['other']!.length === 20, { timeoutMs: 20_000 });
  t.is(new Set([...got['a']!, ...got['b']!]).size, 20, 'the two subscribers of one consumerID share the messages');

  const connection = await amqp.connect(url());
  t.teardown(() => connection.close());
  const channel = await connection.createChannel();
  t.like(await channel.checkQueue(`${shared}-${topic}`), { consumerCount: 2 });
  await t.notThrowsAsync(() => channel.checkExchange(topic));
});

test('rabbitmq: with enableDeadLetter a failed message goes to dlq-<queue> instead of being dropped', async (t) => {
  const topic = remember(uniqueId('dead'));
  const id = consumerId();
  const pubsub = await openPubSub(t, setup, { consumerID: id, requeueInFailure: 'false', enableDeadLetter: 'true', durable: 'true', deletedWhenUnused: 'false' });
  let attempts = 0;
  await pubsub.subscribe({ topic, metadata: {} }, async () => {
    attempts++;
    throw new Error('always fails');
  });
  await pubsub.publish({ topic, data: Buffer.from('poison'), metadata: {} });
  const connection = await amqp.connect(url());
  t.teardown(() => connection.close());
  const channel = await connection.createChannel();
  await waitUntil('the message is in the dead-letter queue', async () => (await channel.checkQueue(`dlq-${id}-${topic}`)).messageCount === 1, { timeoutMs: 20_000 });
  t.is(attempts, 1, 'without requeueInFailure it is not delivered again');
  const dead = await channel.get(`dlq-${id}-${topic}`, { noAck: true });
  t.is(dead && dead.content.toString(), 'poison');
});

test('rabbitmq: missing connection details and an unknown exchangeKind are refused with the field named', async (t) => {
  await t.throwsAsync(() => openPubSub(t, { ...setup, metadata: () => ({}) }), { message: /metadata "connectionString"/ });
  await t.throwsAsync(() => openPubSub(t, setup, { exchangeKind: 'x-delayed' }), { message: /metadata "exchangeKind" must be one of fanout, topic, direct, headers/ });
});

test('rabbitmq: a subscription made while the broker is unreachable starts consuming once it is back', async (t) => {
  const proxy = await TcpProxy.start(BROKER);
  t.teardown(() => proxy.close());
  const topic = remember(uniqueId('outage'));
  const pubsub = await openPubSub(t, setup, { connectionString: url(proxy.port), reconnectWait: '500ms' });
  await proxy.cut();
  const got: string[] = [];
  await pubsub.subscribe({ topic, metadata: {} }, async (m) => void got.push(m.data.toString()));
  await proxy.restore();
  const publisher = await openPubSub(t, setup);
  await waitUntil('the subscription consumes after the reconnect', async () => {
    await publisher.publish({ topic, data: Buffer.from('after'), metadata: {} });
    return got.includes('after');
  }, { timeoutMs: 30_000, intervalMs: 500 });
  t.true(got.includes('after'));
});
