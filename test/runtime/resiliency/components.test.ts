import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, tempDir } from '../../harness/files.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { TcpProxy } from '../../harness/tcp-proxy.js';
import { waitUntilSubscribed } from '../pubsub/helpers.js';
import { startFlakyApp, startFlakySetup } from './fixtures.js';

const POLICIES = `  policies:
    timeouts:
      short: 2s
    retries:
      threeTimes: { policy: constant, duration: 10ms, maxRetries: 3 }
    circuitBreakers:
      tripAfterTwo: { maxRequests: 1, timeout: 2s, trip: consecutiveFailures >= 2 }
`;

test('an outbound policy retries an output binding through a flaky endpoint', async (t) => {
  const endpoint = await startFlakyApp(t);
  const binding = componentYaml('flaky-http', 'bindings.http', { url: `http://127.0.0.1:${endpoint.port}/hook` });
  const { sidecar } = await startFlakySetup(t, POLICIES, () => '    components:\n      flaky-http:\n        outbound: { retry: threeTimes }\n', { 'binding.yaml': binding });
  endpoint.failNext(2);
  const response = await http('POST', `${sidecar.url}/v1.0/bindings/flaky-http`, { json: { operation: 'post', data: { n: 1 } } });
  t.is(response.status, 200);
  t.is(endpoint.callsTo('hook'), 3);
});

test('an outbound circuit breaker on a state store fails fast while Redis is away and closes once it is back', async (t) => {
  const proxy = await TcpProxy.start(redisAddress());
  t.teardown(() => proxy.close());
  const store = componentYaml('store', 'state.redis', { redisHost: proxy.address, keyPrefix: uniqueId('resiliency') });
  const targets = () => '    components:\n      store:\n        outbound: { timeout: short, circuitBreaker: tripAfterTwo }\n';
  const { sidecar } = await startFlakySetup(t, POLICIES, targets, { 'redis.yaml': store });
  const url = `${sidecar.url}/v1.0/state/store`;
  t.is((await http('POST', url, { json: [{ key: 'k', value: 'v' }] })).status, 204);

  await proxy.cut();
  for (let i = 0; i < 2; i++) t.is((await http('GET', `${url}/k`)).json<DaprErrorBody>().errorCode, 'ERR_STATE_GET');
  const refused = (await http('GET', `${url}/k`)).json<DaprErrorBody>();
  t.is(refused.errorCode, 'ERR_STATE_GET');
  t.regex(refused.message, /circuit breaker is open/);

  await proxy.restore();
  await waitUntil('the store answers again', async () => (await http('GET', `${url}/k`)).text === '"v"', { timeoutMs: 30_000, intervalMs: 200 });
});

test('an inbound policy retries pub/sub delivery to a flaky subscriber, in place of the component\'s own retries', async (t) => {
  const pubsub = componentYaml('bus', 'pubsub.in-memory', { deliveryMaxRetries: '0' });
  const subscription = 'apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata:\n  name: orders\nspec:\n  pubsubname: bus\n  topic: orders\n  routes:\n    default: /orders\n';
  const targets = () => '    components:\n      bus:\n        inbound: { retry: threeTimes }\n';
  const { app, sidecar } = await startFlakySetup(t, POLICIES, targets, { 'pubsub.yaml': pubsub, 'subscription.yaml': subscription });
  await waitUntilSubscribed(sidecar);
  app.failNext(2);
  t.is((await http('POST', `${sidecar.url}/v1.0/publish/bus/orders`, { json: { id: 1 } })).status, 204);
  // With deliveryMaxRetries 0 and no redelivery in pubsub.in-memory, only the policy makes a third call.
  await waitUntil('the third delivery reaches the app', () => app.callsTo('orders') === 3, { timeoutMs: 30_000 });
  t.false(sidecar.output().includes('delivery failed after its retries'));
});

test('an inbound policy on an input binding retries one event to a flaky app before failing it back', async (t) => {
  const cron = componentYaml('tick', 'bindings.cron', { schedule: '@every 1s', direction: 'input' });
  const targets = () => '    components:\n      tick:\n        inbound: { retry: threeTimes }\n';
  const { app } = await startFlakySetup(t, POLICIES, targets, { 'cron.yaml': cron });
  app.failNext(2);
  await waitUntil('three deliveries reached the app', () => app.callsTo('tick') >= 3, { timeoutMs: 30_000 });
  const firstThree = app.calls().filter((r) => r.url === '/tick').slice(0, 3);
  t.is(new Set(firstThree.map((r) => r.headers['readtimeutc'])).size, 1, 'the two failures and the success are one event, retried by the policy');
});

test('outbound policies cover lock and secret stores too: a lock store trips its breaker, a missing secret is an answer', async (t) => {
  const proxy = await TcpProxy.start(redisAddress());
  t.teardown(() => proxy.close());
  const dir = await tempDir(t);
  const secretsFile = join(dir, 'secrets.json');
  await writeFile(secretsFile, JSON.stringify({ present: 'yes' }));
  const files = {
    'lock.yaml': componentYaml('locks', 'lock.redis', { redisHost: proxy.address }),
    'secrets.yaml': componentYaml('vault', 'secretstores.local.file', { secretsFile }),
  };
  const targets = () => '    components:\n      locks:\n        outbound: { timeout: short, circuitBreaker: tripAfterTwo }\n      vault:\n        outbound: { circuitBreaker: tripAfterTwo }\n';
  const { sidecar } = await startFlakySetup(t, POLICIES, targets, files);
  const lock = () => http('POST', `${sidecar.url}/v1.0-alpha1/lock/locks`, { json: { resourceId: uniqueId('r'), lockOwner: 'me', expiryInSeconds: 10 } });
  t.is((await lock()).status, 200);

  await proxy.cut();
  for (let i = 0; i < 2; i++) t.is((await lock()).json<DaprErrorBody>().errorCode, 'ERR_TRY_LOCK');
  t.regex((await lock()).json<DaprErrorBody>().message, /circuit breaker is open/);
  await proxy.restore();
  await waitUntil('the lock store answers again', async () => (await lock()).status === 200, { timeoutMs: 30_000, intervalMs: 200 });

  for (let i = 0; i < 3; i++) t.is((await http('GET', `${sidecar.url}/v1.0/secrets/vault/absent`)).json<DaprErrorBody>().errorCode, 'ERR_SECRET_GET');
  t.deepEqual((await http('GET', `${sidecar.url}/v1.0/secrets/vault/present`)).json(), { present: 'yes' }, 'missing secrets did not trip the breaker');
});
