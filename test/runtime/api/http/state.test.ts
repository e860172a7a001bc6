import anyTest, { type TestFn } from 'ava';
import { Redis } from 'ioredis';
import { Cleanup } from '../../../harness/cleanup.js';
import { componentYaml, resourcesDir } from '../../../harness/files.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { redisAddress, uniqueId } from '../../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../../harness/sidecar.js';
import { waitUntil } from '../../../harness/eventually.js';

/** One sidecar with a Redis store for the whole file; each test uses its own keys. */
const test = anyTest as TestFn<{ sidecar: SidecarHandle; redis: Redis; state: string }>;
const cleanup = new Cleanup();

test.before(async (t) => {
  const { host, port } = redisAddress();
  const dir = await resourcesDir(cleanup, {
    'redis.yaml': componentYaml('store', 'state.redis', { redisHost: `${host}:${port}` }),
    'custom.yaml': componentYaml('custom', 'state.redis', { redisHost: `${host}:${port}`, keyPrefix: 'shared' }),
    'none.yaml': componentYaml('raw', 'state.redis', { redisHost: `${host}:${port}`, keyPrefix: 'none' }),
  });
  const sidecar = await startSidecar(cleanup, { resourcesPaths: [dir] });
  const redis = new Redis({ host, port, lazyConnect: true });
  await redis.connect();
  cleanup.teardown(async () => {
    const keys = [...(await redis.keys(`${sidecar.appId}||*`)), ...(await redis.keys('shared||' + sidecar.appId + '*'))];
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  t.context = { sidecar, redis, state: `${sidecar.url}/v1.0/state` };
});
test.after.always(() => cleanup.run());

const save = (t: { context: { state: string } }, items: unknown, store = 'store', query = '') =>
  http('POST', `${t.context.state}/${store}${query}`, { json: items });
const get = (t: { context: { state: string } }, key: string, store = 'store') => http('GET', `${t.context.state}/${store}/${key}`);

test('save then get returns the JSON value with an ETag', async (t) => {
  t.is((await save(t, [{ key: 'greeting', value: 'DeathStar' }])).status, 204);
  const res = await get(t, 'greeting');
  t.is(res.status, 200);
  t.is(res.text, '"DeathStar"');
  t.is(res.headers.get('content-type'), 'application/json');
  t.truthy(res.headers.get('etag'));
});

test('get of a missing key is 204 with no body', async (t) => {
  const res = await get(t, 'never-written');
  t.is(res.status, 204);
  t.is(res.text, '');
  t.is(res.headers.get('etag'), null);
});

test('keys are stored as <appId>||<key>', async (t) => {
  await save(t, [{ key: 'prefixed', value: { a: 1 } }]);
  const data = await t.context.redis.hget(`${t.context.sidecar.appId}||prefixed`, 'data');
  t.is(data, '{"a":1}');
});

test('keyPrefix none stores the bare key, a custom prefix is used as is', async (t) => {
  const key = uniqueId('bare');
  await save(t, [{ key, value: 1 }], 'raw');
  t.is(await t.context.redis.hget(key, 'data'), '1');
  await t.context.redis.del(key);
  const shared = `${t.context.sidecar.appId}-k`;
  await save(t, [{ key: shared, value: 2 }], 'custom');
  t.is(await t.context.redis.hget(`shared||${shared}`, 'data'), '2');
});

test('a stale etag is a 409 and writes nothing', async (t) => {
  await save(t, [{ key: 'occ', value: 1 }]);
  const etag = (await get(t, 'occ')).headers.get('etag')!;
  await save(t, [{ key: 'occ', value: 2, etag }]);
  const res = await save(t, [{ key: 'occ', value: 3, etag }]);
  t.is(res.status, 409);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_STATE_SAVE');
  t.notRegex(res.text, /\|\|/, 'the message names the caller\'s key, not the stored one');
  t.is((await get(t, 'occ')).text, '2');
});

test('an etag Redis could not have issued is a 400', async (t) => {
  const res = await save(t, [{ key: 'bad-etag', value: 1, etag: 'not-a-number' }]);
  t.is(res.status, 400);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_STATE_SAVE');
});

test('first-write refuses to overwrite an existing key without an etag', async (t) => {
  const item = { key: 'fw', value: 1, options: { concurrency: 'first-write' } };
  t.is((await save(t, [item])).status, 204);
  t.is((await save(t, [item])).status, 409);
});

test('saving several items is all or nothing', async (t) => {
  await save(t, [{ key: 'batch-a', value: 'old' }]);
  const res = await save(t, [
    { key: 'batch-a', value: 'new' },
    { key: 'batch-b', value: 'new', etag: '999' },
  ]);
  t.is(res.status, 409);
  t.is((await get(t, 'batch-a')).text, '"old"');
  t.is((await get(t, 'batch-b')).status, 204);
});

test('bulk get answers every key in order, missing ones without data', async (t) => {
  await save(t, [{ key: 'bulk-1', value: { n: 1 } }, { key: 'bulk-2', value: 'two' }]);
  const res = await http('POST', `${t.context.state}/store/bulk`, { json: { keys: ['bulk-2', 'bulk-missing', 'bulk-1'], parallelism: 2 } });
  t.is(res.status, 200);
  const items = res.json<Array<{ key: string; data?: unknown; etag?: string }>>();
  t.deepEqual(items.map((i) => i.key), ['bulk-2', 'bulk-missing', 'bulk-1']);
  t.is(items[0]!.data, 'two');
  t.false('data' in items[1]!);
  t.deepEqual(items[2]!.data, { n: 1 });
  t.truthy(items[2]!.etag);
});

test('delete honours If-Match', async (t) => {
  await save(t, [{ key: 'del', value: 1 }]);
  const etag = (await get(t, 'del')).headers.get('etag')!;
  const wrong = await http('DELETE', `${t.context.state}/store/del`, { headers: { 'If-Match': String(Number(etag) + 5) } });
  t.is(wrong.status, 409);
  t.is(wrong.json<DaprErrorBody>().errorCode, 'ERR_STATE_DELETE');
  t.is((await get(t, 'del')).status, 200);
  t.is((await http('DELETE', `${t.context.state}/store/del`, { headers: { 'If-Match': etag } })).status, 204);
  t.is((await get(t, 'del')).status, 204);
});

test('a transaction applies upserts and deletes together', async (t) => {
  await save(t, [{ key: 'tx-gone', value: 1 }]);
  const res = await http('POST', `${t.context.state}/store/transaction`, {
    json: {
      operations: [
        { operation: 'upsert', request: { key: 'tx-new', value: { ok: true } } },
        { operation: 'delete', request: { key: 'tx-gone' } },
      ],
      metadata: null,
    },
  });
  t.is(res.status, 204);
  t.is((await get(t, 'tx-new')).text, '{"ok":true}');
  t.is((await get(t, 'tx-gone')).status, 204);
});

test('a failed transaction writes nothing and is a 500 ERR_STATE_TRANSACTION', async (t) => {
  await save(t, [{ key: 'txf-a', value: 'before' }]);
  const res = await http('POST', `${t.context.state}/store/transaction`, {
    json: {
      operations: [
        { operation: 'upsert', request: { key: 'txf-a', value: 'after' } },
        { operation: 'upsert', request: { key: 'txf-b', value: 'after' } },
        { operation: 'delete', request: { key: 'txf-a', etag: '12345' } },
      ],
    },
  });
  t.is(res.status, 500);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_STATE_TRANSACTION');
  t.is((await get(t, 'txf-a')).text, '"before"');
  t.is((await get(t, 'txf-b')).status, 204);
});

test('an unknown transaction operation is a 400', async (t) => {
  const res = await http('POST', `${t.context.state}/store/transaction`, {
    json: { operations: [{ operation: 'merge', request: { key: 'x' } }] },
  });
  t.is(res.status, 400);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_NOT_SUPPORTED_STATE_OPERATION');
});

test('ttlInSeconds expires the item and GET reports its expiry', async (t) => {
  t.is((await save(t, [{ key: 'ttl', value: 1, metadata: { ttlInSeconds: '1' } }])).status, 204);
  const res = await get(t, 'ttl');
  const expiry = res.headers.get('metadata.ttlexpiretime');
  t.truthy(expiry);
  t.true(Math.abs(Date.parse(expiry!) - (Date.now() + 1000)) < 3000);
  await waitUntil('the item expired', async () => (await get(t, 'ttl')).status === 204, { timeoutMs: 5000 });
  t.is((await get(t, 'ttl')).status, 204);
});

test('query metadata applies to every item', async (t) => {
  await save(t, [{ key: 'ttl-q', value: 1 }], 'store', '?metadata.ttlInSeconds=100');
  const ttl = await t.context.redis.ttl(`${t.context.sidecar.appId}||ttl-q`);
  t.true(ttl > 90 && ttl <= 100);
});

test('a key containing || is refused', async (t) => {
  const res = await save(t, [{ key: 'a||b', value: 1 }]);
  t.is(res.status, 400);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_MALFORMED_REQUEST');
});

test('malformed bodies are 400 ERR_MALFORMED_REQUEST', async (t) => {
  for (const body of ['{not json', '{"key":"not-an-array"}', '[{"value":1}]', '[{"key":"k","etag":5}]', '[{"key":"k","options":{"concurrency":"most-write"}}]']) {
    const res = await http('POST', `${t.context.state}/store`, { body, headers: { 'content-type': 'application/json' } });
    t.is(res.status, 400, body);
    t.is(res.json<DaprErrorBody>().errorCode, 'ERR_MALFORMED_REQUEST', body);
  }
});

test('an unknown store is a 400 ERR_STATE_STORE_NOT_FOUND', async (t) => {
  const res = await get(t, 'k', 'nope');
  t.is(res.status, 400);
  t.deepEqual(res.json<DaprErrorBody>().errorCode, 'ERR_STATE_STORE_NOT_FOUND');
  t.regex(res.json<DaprErrorBody>().message, /state store nope is not found/);
});

test('a route with the wrong verb falls through to invocation, as in Dapr', async (t) => {
  const res = await http('GET', `${t.context.state}/store`);
  t.is(res.status, 404);
  t.is(res.json<DaprErrorBody>().errorCode, 'ERR_DIRECT_INVOKE');
});

test('duplicate slashes and a trailing slash still reach the route', async (t) => {
  await save(t, [{ key: 'clean', value: 7 }]);
  const res = await http('GET', `${t.context.sidecar.url}//v1.0/state//store/clean/`);
  t.is(res.text, '7');
});

test('a bad concurrency or consistency query parameter is a 400 naming it', async (t) => {
  const del = await http('DELETE', `${t.context.state}/store/x?concurrency=sometimes`);
  t.is(del.status, 400);
  t.is(del.json<DaprErrorBody>().message, 'invalid query parameter: concurrency must be one of first-write, last-write');
  const get = await http('GET', `${t.context.state}/store/x?consistency=maybe`);
  t.is(get.json<DaprErrorBody>().message, 'invalid query parameter: consistency must be one of eventual, strong');
});
