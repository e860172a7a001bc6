import test from 'ava';
import { Redis } from 'ioredis';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { waitUntil } from '../../harness/eventually.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startSidecar } from '../../harness/sidecar.js';
import { TcpProxy } from '../../harness/tcp-proxy.js';
import { FAST_RETRIES, publish, startSubscriberApp, waitUntilSubscribed } from './helpers.js';

const redis = redisAddress();

/** Deletes the test's stream when it ends. */
function dropStreamAfter(t: { teardown(fn: () => unknown): void }, topic: string): void {
  t.teardown(async () => {
    const client = new Redis(redis);
    await client.del(topic);
    await client.quit();
  });
}

test('while Redis is unreachable publishing fails with a clear error; the sidecar reconnects and delivers again once it is back', async (t) => {
  const topic = uniqueId('outage');
  dropStreamAfter(t, topic);
  const proxy = await TcpProxy.start(redis);
  t.teardown(() => proxy.close());
  const app = await startSubscriberApp(t, [{ pubsubname: 'pubsub', topic, route: '/in' }]);
  const dir = await resourcesDir(t, { 'pubsub.yaml': componentYaml('pubsub', 'pubsub.redis', { redisHost: proxy.address, ...FAST_RETRIES }) });
  const sidecar = await startSidecar(t, { appPort: app.port, resourcesPaths: [dir] });
  await waitUntilSubscribed(sidecar);
  t.is((await publish(sidecar, topic, 'before', { 'content-type': 'text/plain' })).status, 204);
  await waitUntil('the first message arrived', () => app.deliveries('/in').length === 1, { timeoutMs: 15_000 });

  await proxy.cut();
  const during = await publish(sidecar, topic, 'during', { 'content-type': 'text/plain' });
  t.is(during.status, 500);
  t.is(during.json<DaprErrorBody>().errorCode, 'ERR_PUBSUB_PUBLISH_MESSAGE');
  t.regex(during.json<DaprErrorBody>().message, new RegExp(`error when publishing to topic ${topic} in pubsub pubsub: redis ${proxy.address} did not take the message`));
  t.is((await http('GET', `${sidecar.url}/v1.0/healthz`)).status, 204, 'the sidecar itself stays up');

  await proxy.restore();
  await waitUntil('publishing works again', async () => (await publish(sidecar, topic, 'after', { 'content-type': 'text/plain' })).status === 204, { timeoutMs: 20_000, intervalMs: 200 });
  await waitUntil('the reader delivers again', () => app.events('/in').some((e) => e['data'] === 'after'), { timeoutMs: 20_000 });
  t.false(app.events('/in').some((e) => e['data'] === 'during'), 'the refused publish was not half-written');
});

test('a message whose subscriber crashed mid-delivery is delivered again by the next sidecar of the app', async (t) => {
  const topic = uniqueId('crash');
  dropStreamAfter(t, topic);
  const consumerID = uniqueId('group');
  const metadata = { redisHost: `${redis.host}:${redis.port}`, consumerID, processingTimeout: '1s', redeliverInterval: '250ms' };
  const dir = await resourcesDir(t, { 'pubsub.yaml': componentYaml('pubsub', 'pubsub.redis', metadata) });
  const subscription = [{ pubsubname: 'pubsub', topic, route: '/in' }];

  const hangingApp = await startSubscriberApp(t, subscription, () => 'hang');
  const crashing = await startSidecar(t, { appPort: hangingApp.port, resourcesPaths: [dir] });
  await waitUntilSubscribed(crashing);
  t.is((await publish(crashing, topic, 'important', { 'content-type': 'text/plain' })).status, 204);
  await waitUntil('the first app is holding the message', () => hangingApp.deliveries('/in').length === 1, { timeoutMs: 15_000 });
  await crashing.stop('SIGKILL');

  const app = await startSubscriberApp(t, subscription);
  const next = await startSidecar(t, { appPort: app.port, resourcesPaths: [dir] });
  await waitUntilSubscribed(next);
  await waitUntil('the message was delivered again', () => app.deliveries('/in').length >= 1, { timeoutMs: 20_000 });
  t.is(app.events('/in')[0]!['data'], 'important');
});
