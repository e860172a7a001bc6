import test from 'ava';
import mqtt from 'mqtt';
import { mqtt3PubSub } from '../../../../runtime/src/components/pubsub/mqtt3.js';
import { waitUntil } from '../../../harness/eventually.js';
import { uniqueId } from '../../../harness/ids.js';
import { openPubSub, pubSubConformance, type ConformanceSetup } from './conformance.js';
import { sidecarFaults } from './sidecar-faults.js';

const BROKER = { host: '127.0.0.1', port: 1883 };
const url = (port = BROKER.port) => `tcp://${BROKER.host}:${port}`;
/** Consumer ids and topics the tests used: the broker keeps a session for each pair until told to forget it. */
const consumerIds = new Set<string>();
const topics = new Set<string>();

function consumerId(): string {
  const id = uniqueId('mqtt');
  consumerIds.add(id);
  return id;
}

function remember(topic: string): string {
  topics.add(topic);
  return topic;
}

/** A clean-session connect ends a kept session on the broker. */
async function forgetSession(clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(url(), { clientId, clean: true, reconnectPeriod: 0 });
  await client.endAsync();
}

test.after.always(async () => {
  const clientIds = [...consumerIds].flatMap((id) => [`${id}-producer`, ...[...topics].map((topic) => `${id}-consumer-${topic}`)]);
  for (const clientId of clientIds) await forgetSession(clientId).catch(() => undefined);
});

const setup: ConformanceSetup = {
  definition: mqtt3PubSub,
  metadata: () => ({ url: url(), consumerID: consumerId() }),
  topic: (name) => remember(`outrigger/${name}`),
  abilities: { carriesMetadata: false, redelivers: true },
};

pubSubConformance('mqtt3', setup);

sidecarFaults('mqtt3', {
  type: 'pubsub.mqtt3',
  broker: BROKER,
  metadata: (_t, port, topic) => {
    remember(topic);
    return { url: url(port), consumerID: consumerId() };
  },
  refusal: /the MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+ did not take the message/,
});

test('mqtt3: a subscription with a wildcard receives each message with its own topic', async (t) => {
  const id = consumerId();
  const pubsub = await openPubSub(t, setup, { consumerID: id });
  const base = `outrigger/${uniqueId('wild')}`;
  const received: string[] = [];
  await pubsub.subscribe({ topic: remember(`${base}/+`), metadata: {} }, async (m) => void received.push(m.topic));
  await pubsub.publish({ topic: `${base}/a`, data: Buffer.from('1'), metadata: {} });
  await pubsub.publish({ topic: `${base}/b`, data: Buffer.from('2'), metadata: {} });
  await waitUntil('both arrived', () => received.length === 2, { timeoutMs: 15_000 });
  t.deepEqual(received.sort(), [`${base}/a`, `${base}/b`]);
});

test('mqtt3: messages published while the subscriber is closed wait in its kept session', async (t) => {
  const id = consumerId();
  const topic = remember(`outrigger/${uniqueId('kept')}`);
  const first = await openPubSub(t, setup, { consumerID: id });
  await first.subscribe({ topic, metadata: {} }, async () => undefined);
  await first.close();

  const publisher = await openPubSub(t, setup, { consumerID: consumerId() });
  await publisher.publish({ topic, data: Buffer.from('while away'), metadata: {} });
  const second = await openPubSub(t, setup, { consumerID: id });
  const received: string[] = [];
  await second.subscribe({ topic, metadata: {} }, async (m) => void received.push(m.data.toString()));
  await waitUntil('the kept message arrived', () => received.length === 1, { timeoutMs: 15_000 });
  t.deepEqual(received, ['while away']);
});

test('mqtt3: a url without a broker scheme and a client certificate without its key are refused with the field named', async (t) => {
  await t.throwsAsync(() => openPubSub(t, setup, { url: '127.0.0.1:1883' }), { message: /metadata "url"/ });
  await t.throwsAsync(() => openPubSub(t, setup, { clientCert: '-----BEGIN CERTIFICATE-----' }), { message: /metadata "clientKey"/ });
});
