import test, { type ExecutionContext } from 'ava';
import { Redis } from 'ioredis';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { systemClock } from '../../../../runtime/src/clock/index.js';
import { ComponentMetadataError } from '../../../../runtime/src/components/errors.js';
import { ComponentMetadata } from '../../../../runtime/src/components/metadata.js';
import type { ComponentContext } from '../../../../runtime/src/components/registry.js';
import { redisStateStore } from '../../../../runtime/src/components/state/redis.js';
import { EtagInvalidError, type StateStore } from '../../../../runtime/src/state/index.js';
import { eventually } from '../../../harness/eventually.js';
import { redisAddress, uniqueId } from '../../../harness/ids.js';
import { TcpProxy } from '../../../harness/tcp-proxy.js';
import { stateStoreConformance } from './conformance.js';
import { reminderStorageConformance } from './reminders-conformance.js';

const redis = redisAddress();
const redisHost = `${redis.host}:${redis.port}`;

function context(): ComponentContext {
  return { appId: uniqueId('app'), namespace: undefined, logger: pino({ level: 'silent' }), clock: systemClock };
}

async function open(t: ExecutionContext, metadata: Record<string, string> = {}): Promise<StateStore> {
  const store = await redisStateStore.create(ComponentMetadata.from({ redisHost, ...metadata }), context());
  t.teardown(() => store.close());
  return store;
}

/** A plain client for looking at what the store wrote; deletes the test's keys afterwards. */
function direct(t: ExecutionContext, keyPrefix: string): Redis {
  const client = new Redis({ host: redis.host, port: redis.port, lazyConnect: true });
  t.teardown(async () => {
    for await (const keys of client.scanStream({ match: `${keyPrefix}*`, count: 1000 })) {
      if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
    }
    await client.quit();
  });
  return client;
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

stateStoreConformance('redis', async (t) => {
  const keyPrefix = uniqueId('redis');
  direct(t, keyPrefix);
  return { store: await open(t), keyPrefix };
});

// Two stores, two connections: as two sidecars share one Redis.
reminderStorageConformance('redis', async (t, appIds) => {
  for (const appId of appIds) {
    direct(t, `reminders||${appId}||`);
    direct(t, `reminders-due||${appId}||`);
  }
  return { store: await open(t), other: await open(t) };
});

test('redis: an etag that is not a version is invalid, and nothing is written', async (t) => {
  const prefix = uniqueId('redis');
  direct(t, prefix);
  const store = await open(t);
  await store.set({ key: `${prefix}||a`, value: Buffer.from('1') });
  for (const etag of ['abc', '1.5', '-1', ' 1']) {
    await t.throwsAsync(store.set({ key: `${prefix}||a`, value: Buffer.from('2'), etag }), { instanceOf: EtagInvalidError });
    await t.throwsAsync(store.delete({ key: `${prefix}||a`, etag }), { instanceOf: EtagInvalidError });
  }
  await t.throwsAsync(
    store.transact([
      { operation: 'upsert', request: { key: `${prefix}||b`, value: Buffer.from('b') } },
      { operation: 'delete', request: { key: `${prefix}||a`, etag: 'abc' } },
    ]),
    { instanceOf: EtagInvalidError },
  );
  t.deepEqual((await store.get(`${prefix}||a`))?.value, Buffer.from('1'));
  t.is(await store.get(`${prefix}||b`), undefined);
  // last-write ignores the etag altogether, so it is not validated either.
  await store.set({ key: `${prefix}||a`, value: Buffer.from('3'), etag: 'abc', concurrency: 'last-write' });
  t.deepEqual((await store.get(`${prefix}||a`))?.value, Buffer.from('3'));
});

test('redis: stores Dapr’s layout, a hash of data and an integer version', async (t) => {
  const prefix = uniqueId('redis');
  const client = direct(t, prefix);
  const store = await open(t);
  const key = `${prefix}||a`;
  await store.set({ key, value: Buffer.from('"one"') });
  t.is(await client.type(key), 'hash');
  t.deepEqual(await client.hgetall(key), { data: '"one"', version: '1' });
  t.is((await store.get(key))?.etag, '1');
  await store.set({ key, value: Buffer.from('"two"'), etag: '1', ttlSeconds: 100 });
  t.deepEqual(await client.hgetall(key), { data: '"two"', version: '2' });
  const ttl = await client.ttl(key);
  t.true(ttl > 90 && ttl <= 100, String(ttl));
  await store.set({ key, value: Buffer.from('"three"') });
  t.is(await client.ttl(key), -1);
});

test('redis: reads and checks data written by another Dapr-layout client', async (t) => {
  const prefix = uniqueId('redis');
  const client = direct(t, prefix);
  const store = await open(t);
  const key = `${prefix}||from-daprd`;
  await client.hset(key, { data: '{"n":1}', version: '7' });
  const item = await store.get(key);
  t.deepEqual(item?.value, Buffer.from('{"n":1}'));
  t.is(item?.etag, '7');
  await store.set({ key, value: Buffer.from('{"n":2}'), etag: '7' });
  t.is(await client.hget(key, 'version'), '8');
});

test('redis: the ttlInSeconds metadata is the default TTL', async (t) => {
  const prefix = uniqueId('redis');
  const client = direct(t, prefix);
  const store = await open(t, { ttlInSeconds: '100' });
  await store.set({ key: `${prefix}||default`, value: Buffer.from('d') });
  await store.set({ key: `${prefix}||own`, value: Buffer.from('o'), ttlSeconds: 5 });
  await store.set({ key: `${prefix}||never`, value: Buffer.from('n'), ttlSeconds: -1 });
  const ttl = await client.ttl(`${prefix}||default`);
  t.true(ttl > 90 && ttl <= 100, String(ttl));
  const own = await client.ttl(`${prefix}||own`);
  t.true(own > 0 && own <= 5, String(own));
  t.is(await client.ttl(`${prefix}||never`), -1);
  t.truthy((await store.get(`${prefix}||default`))?.expiresAt);
});

test('redis: fails fast while Redis is unreachable and recovers when it is back', async (t) => {
  const prefix = uniqueId('redis');
  direct(t, prefix);
  const proxy = await TcpProxy.start(redis);
  t.teardown(() => proxy.close());
  const store = await open(t, { redisHost: proxy.address });
  const key = `${prefix}||k`;
  await store.set({ key, value: Buffer.from('before') });

  await proxy.cut();
  for (const operation of [() => store.get(key), () => store.set({ key, value: Buffer.from('during') })]) {
    const started = Date.now();
    const err = await t.throwsAsync(operation());
    t.regex(err?.message ?? '', new RegExp(`^redis ${proxy.address.replaceAll('.', '\\.')} is unreachable: `));
    t.true(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
  }

  await proxy.restore();
  const item = await eventually(() => store.get(key), { timeoutMs: 10_000, intervalMs: 50 });
  t.deepEqual(item?.value, Buffer.from('before'));
  await store.set({ key, value: Buffer.from('after'), etag: item!.etag });
  t.deepEqual((await store.get(key))?.value, Buffer.from('after'));
});

test('redis: close() while Redis is unreachable resolves promptly', async (t) => {
  const proxy = await TcpProxy.start(redis);
  t.teardown(() => proxy.close());
  const store = await redisStateStore.create(ComponentMetadata.from({ redisHost: proxy.address }), context());
  await proxy.cut();
  const started = Date.now();
  await store.close();
  t.true(Date.now() - started < 1_000);
});

test('redis: create() rejects with a clear message when nothing listens', async (t) => {
  const port = await unusedPort();
  const started = Date.now();
  await t.throwsAsync(redisStateStore.create(ComponentMetadata.from({ redisHost: `127.0.0.1:${port}` }), context()), {
    message: new RegExp(`^redis 127\\.0\\.0\\.1:${port} is unreachable: .*ECONNREFUSED`),
  });
  t.true(Date.now() - started < 2_000);
});

test('redis: bad metadata is a ComponentMetadataError', async (t) => {
  const bad: Record<string, string>[] = [
    {},
    { redisHost: 'host:port' },
    { redisHost: 'host:70000' },
    { redisHost, redisDB: 'x' },
    { redisHost, enableTLS: 'maybe' },
    { redisHost, dialTimeout: 'soon' },
    { redisHost, ttlInSeconds: '-5' },
  ];
  for (const metadata of bad) {
    await t.throwsAsync(redisStateStore.create(ComponentMetadata.from(metadata), context()), { instanceOf: ComponentMetadataError });
  }
});
