import test from 'ava';
import { connect } from 'nats';
import { jetstreamPubSub } from '../../../../runtime/src/components/pubsub/jetstream.js';
import { waitUntil } from '../../../harness/eventually.js';
import { uniqueId } from '../../../harness/ids.js';
import { openPubSub, pubSubConformance, type ConformanceSetup } from './conformance.js';
import { sidecarFaults } from './sidecar-faults.js';

const BROKER = { host: '127.0.0.1', port: 4222 };
const url = (port = BROKER.port) => `nats://${BROKER.host}:${port}`;

/** Streams the tests made (the component names a topic's own stream after it), deleted at the end. */
const streams = new Set<string>();

function remember(topic: string): string {
  streams.add(topic.replace(/[^A-Za-z0-9_-]/g, '_'));
  return topic;
}

test.after.always(async () => {
  const nc = await connect({ servers: url() });
  const jsm = await nc.jetstreamManager();
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
});

const setup: ConformanceSetup = {
  definition: jetstreamPubSub,
  metadata: () => ({ natsURL: url(), consumerID: uniqueId('js') }),
  topic: (name) => remember(`outrigger.${name}`),
  abilities: { carriesMetadata: true, redelivers: true },
};

pubSubConformance('jetstream', setup);

sidecarFaults('jetstream', {
  type: 'pubsub.jetstream',
  broker: BROKER,
  metadata: (_t, port, topic) => {
    remember(topic);
    return { natsURL: url(port), consumerID: uniqueId('js') };
  },
  refusal: /NATS JetStream at nats:\/\/127\.0\.0\.1:\d+ did not take the message/,
});

test('jetstream: a topic gets a stream named after it and a durable consumer that resumes where a closed subscriber stopped', async (t) => {
  const topic = remember(`outrigger.${uniqueId('resume')}`);
  const consumerID = uniqueId('js');
  const first = await openPubSub(t, setup, { consumerID });
  const before: string[] = [];
  await first.subscribe({ topic, metadata: {} }, async (m) => void before.push(m.data.toString()));
  await first.publish({ topic, data: Buffer.from('one'), metadata: {} });
  await waitUntil('the first message arrived', () => before.length === 1, { timeoutMs: 15_000 });
  await first.close();

  const publisher = await openPubSub(t, setup);
  await publisher.publish({ topic, data: Buffer.from('two'), metadata: {} });
  const second = await openPubSub(t, setup, { consumerID });
  const after: string[] = [];
  await second.subscribe({ topic, metadata: {} }, async (m) => void after.push(m.data.toString()));
  await waitUntil('the message published while away arrived', () => after.length >= 1, { timeoutMs: 15_000 });
  t.deepEqual(after, ['two'], 'the acknowledged message does not come again');

  const nc = await connect({ servers: url() });
  t.teardown(() => nc.close());
  const jsm = await nc.jetstreamManager();
  t.is(await jsm.streams.find(topic), topic.replace(/\./g, '_'));
  t.truthy(await jsm.consumers.info(topic.replace(/\./g, '_'), `${consumerID}-${topic.replace(/\./g, '_')}`));
});

test('jetstream: with streamName every topic is added to that one stream', async (t) => {
  const streamName = uniqueId('stream');
  streams.add(streamName);
  const pubsub = await openPubSub(t, setup, { streamName });
  const [a, b] = [`outrigger.${uniqueId('a')}`, `outrigger.${uniqueId('b')}`];
  const received: string[] = [];
  for (const topic of [a, b]) await pubsub.subscribe({ topic, metadata: {} }, async (m) => void received.push(m.topic));
  await pubsub.publish({ topic: a, data: Buffer.from('1'), metadata: {} });
  await pubsub.publish({ topic: b, data: Buffer.from('2'), metadata: {} });
  await waitUntil('both arrived', () => received.length === 2, { timeoutMs: 15_000 });

  const nc = await connect({ servers: url() });
  t.teardown(() => nc.close());
  const info = await (await nc.jetstreamManager()).streams.info(streamName);
  t.deepEqual([...(info.config.subjects ?? [])].sort(), [a, b].sort());
});

test('jetstream: bad start and backOff settings are refused with the field named', async (t) => {
  await t.throwsAsync(() => openPubSub(t, setup, { deliverPolicy: 'sequence' }), { message: /metadata "deliverPolicy" "sequence" needs startSequence/ });
  await t.throwsAsync(() => openPubSub(t, setup, { backOff: '50ms, soon' }), { message: /metadata "backOff"/ });
  await t.throwsAsync(() => openPubSub(t, setup, { natsURL: '' }), { message: /metadata "natsURL" is required/ });
});
