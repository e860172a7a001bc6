/** `bindings.redis` through a real sidecar against the real Redis. */
import test, { type ExecutionContext } from 'ava';
import { Redis } from 'ioredis';
import { waitUntil } from '../../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../../harness/files.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { redisAddress, uniqueId } from '../../../harness/ids.js';
import { startSidecar } from '../../../harness/sidecar.js';
import { TcpProxy } from '../../../harness/tcp-proxy.js';

const redis = redisAddress();

async function setup(t: ExecutionContext, redisHost = `${redis.host}:${redis.port}`) {
  const dir = await resourcesDir(t, { 'kv.yaml': componentYaml('kv', 'bindings.redis', { redisHost }) });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const direct = new Redis({ host: redis.host, port: redis.port });
  const key = uniqueId('binding');
  t.teardown(async () => {
    await direct.del(key);
    direct.disconnect();
  });
  const send = (operation: string, metadata: Record<string, string>, data?: unknown) =>
    http('POST', `${sidecar.url}/v1.0/bindings/kv`, { json: { operation, metadata: { key, ...metadata }, data } });
  return { direct, key, send, sidecar };
}

test('create writes the JSON of the data under the key, get reads it back, delete removes it', async (t) => {
  const { direct, key, send } = await setup(t);
  t.is((await send('create', {}, { name: 'Luke' })).status, 204);
  t.is(await direct.get(key), '{"name":"Luke"}');
  const got = await send('get', {});
  t.is(got.status, 200);
  t.is(got.headers.get('content-type'), 'application/json');
  t.deepEqual(got.json(), { name: 'Luke' });
  t.is((await send('delete', {})).status, 204);
  t.is(await direct.exists(key), 0);
});

test('get of a missing key is a 200 with an empty body', async (t) => {
  const got = await (await setup(t)).send('get', {});
  t.is(got.status, 200);
  t.is(got.text, '');
});

test('get with delete "true" reads the value once', async (t) => {
  const { direct, key, send } = await setup(t);
  await send('create', {}, 'once');
  t.is((await send('get', { delete: 'true' })).text, '"once"');
  t.is(await direct.exists(key), 0);
});

test('ttlInSeconds on create and increment sets the expiry', async (t) => {
  const { direct, key, send } = await setup(t);
  t.is((await send('create', { ttlInSeconds: '100' }, 1)).status, 204);
  t.true((await direct.ttl(key)) > 90);
  await send('increment', {});
  await send('increment', { ttlInSeconds: '50' });
  t.is(await direct.get(key), '3');
  t.true((await direct.ttl(key)) <= 50);
});

test('a missing key or a malformed ttl is ERR_INVOKE_OUTPUT_BINDING and writes nothing', async (t) => {
  const { direct, key, sidecar } = await setup(t);
  const noKey = await http('POST', `${sidecar.url}/v1.0/bindings/kv`, { json: { operation: 'create', data: 1 } });
  t.is(noKey.status, 500);
  t.is(noKey.json<DaprErrorBody>().message, 'error invoking output binding kv: redis binding: missing key in request metadata');
  const badTtl = await http('POST', `${sidecar.url}/v1.0/bindings/kv`, { json: { operation: 'increment', metadata: { key, ttlInSeconds: 'soon' } } });
  t.is(badTtl.status, 500);
  t.regex(badTtl.json<DaprErrorBody>().message, /ttlInSeconds/);
});

test('while Redis is unreachable calls fail with a clear error, and work again once it is back', async (t) => {
  const proxy = await TcpProxy.start(redis);
  t.teardown(() => proxy.close());
  const { direct, key, send } = await setup(t, proxy.address);
  t.is((await send('create', {}, 'before')).status, 204);
  await proxy.cut();
  const during = await send('create', {}, 'during');
  t.is(during.status, 500);
  t.is(during.json<DaprErrorBody>().errorCode, 'ERR_INVOKE_OUTPUT_BINDING');
  t.regex(during.json<DaprErrorBody>().message, new RegExp(`redis ${proxy.address} is unreachable`));
  await proxy.restore();
  await waitUntil('creates work again', async () => (await send('create', {}, 'after')).status === 204, { timeoutMs: 20_000, intervalMs: 200 });
  t.is(await direct.get(key), '"after"');
});
