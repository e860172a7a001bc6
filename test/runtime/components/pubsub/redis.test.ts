import test from 'ava';
import { Redis } from 'ioredis';
import { redisPubSub } from '../../../../runtime/src/components/pubsub/redis.js';
import { redisAddress, uniqueId } from '../../../harness/ids.js';
import { waitUntil } from '../../../harness/eventually.js';
import { openPubSub, pubSubConformance, type ConformanceSetup } from './conformance.js';

const { host, port } = redisAddress();
const streams = new Set<string>();

const setup: ConformanceSetup = {
  definition: redisPubSub,
  metadata: () => ({ redisHost: `${host}:${port}`, processingTimeout: '1s', redeliverInterval: '200ms' }),
  topic: (name) => {
    streams.add(name);
    return name;
  },
  abilities: { carriesMetadata: true, redelivers: true },
};

test.after.always(async () => {
  const client = new Redis({ host, port });
  if (streams.size > 0) await client.del(...streams);
  await client.quit();
});

pubSubConformance('redis', setup);

test('redis: entries are written as daprd writes them (data and metadata fields) and trimmed by maxLenApprox', async (t) => {
  const topic = setup.topic!(uniqueId('layout'));
  const pubsub = await openPubSub(t, setup, { maxLenApprox: '10' });
  for (let i = 0; i < 300; i++) await pubsub.publish({ topic, data: Buffer.from(`m${i}`), metadata: { k: 'v' } });
  const client = new Redis({ host, port });
  t.teardown(() => client.quit());
  const [[, fields]] = (await client.xrevrange(topic, '+', '-', 'COUNT', 1)) as [[string, string[]]];
  t.deepEqual(fields, ['data', 'm299', 'metadata', '{"k":"v"}']);
  t.true((await client.xlen(topic)) < 300, 'MAXLEN ~ trims the stream');
});

test('redis: an entry left pending by a consumer that died is claimed by the next after processingTimeout', async (t) => {
  const topic = setup.topic!(uniqueId('claim'));
  const consumerID = uniqueId('group');
  const first = await openPubSub(t, setup, { consumerID });
  let firstGot = 0;
  await first.subscribe({ topic, metadata: {} }, () => {
    firstGot++;
    return new Promise<void>(() => undefined);
  });
  await first.publish({ topic, data: Buffer.from('stuck'), metadata: {} });
  await waitUntil('the first consumer holds the entry', () => firstGot === 1, { timeoutMs: 15_000 });
  await first.close();

  const second = await openPubSub(t, setup, { consumerID });
  const received: string[] = [];
  await second.subscribe({ topic, metadata: {} }, async (m) => void received.push(m.data.toString()));
  await waitUntil('the entry was claimed again', () => received.length === 1, { timeoutMs: 20_000 });
  t.deepEqual(received, ['stuck']);
});

test('redis: a bad redisHost is refused with the field named', async (t) => {
  await t.throwsAsync(() => openPubSub(t, setup, { redisHost: 'a:b:c' }), { message: /redisHost/ });
});
