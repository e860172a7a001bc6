import anyTest, { type TestFn } from 'ava';
import { Redis } from 'ioredis';
import { Cleanup } from '../../harness/cleanup.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';
import { waitUntil } from '../../harness/eventually.js';

/**
 * Two sidecars of different apps on one Redis: `lockstore` keeps each app's locks apart (the
 * default app id prefix); `shared` has one custom prefix, so both apps contend for its locks.
 */
const test = anyTest as TestFn<{ a: SidecarHandle; b: SidecarHandle; redis: Redis; prefix: string }>;
const cleanup = new Cleanup();

test.before(async (t) => {
  const { host, port } = redisAddress();
  const prefix = uniqueId('locks');
  const dir = await resourcesDir(cleanup, {
    'lock.yaml': componentYaml('lockstore', 'lock.redis', { redisHost: `${host}:${port}` }),
    'shared.yaml': componentYaml('shared', 'lock.redis', { redisHost: `${host}:${port}`, keyPrefix: prefix }),
  });
  const [a, b] = await Promise.all([startSidecar(cleanup, { resourcesPaths: [dir] }), startSidecar(cleanup, { resourcesPaths: [dir] })]);
  const redis = new Redis({ host, port, lazyConnect: true });
  await redis.connect();
  cleanup.teardown(async () => {
    const keys = (await Promise.all([a!.appId, b!.appId, prefix].map((p) => redis.keys(`lock||${p}||*`)))).flat();
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  t.context = { a: a!, b: b!, redis, prefix };
});
test.after.always(() => cleanup.run());

const lock = (sidecar: SidecarHandle, body: unknown, store = 'lockstore', version = 'v1.0-alpha1') =>
  http('POST', `${sidecar.url}/${version}/lock/${store}`, { json: body });
const unlock = (sidecar: SidecarHandle, body: unknown, store = 'lockstore', version = 'v1.0-alpha1') =>
  http('POST', `${sidecar.url}/${version}/unlock/${store}`, { json: body });

test('a free lock is taken; while held, another owner is refused with success false', async (t) => {
  const { a } = t.context;
  const res = await lock(a, { resourceId: 'r1', lockOwner: 'o1', expiryInSeconds: 60 });
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/json');
  t.is(res.text, '{"success":true}');
  t.deepEqual((await lock(a, { resourceId: 'r1', lockOwner: 'o2', expiryInSeconds: 60 })).json(), { success: false });
  t.deepEqual((await lock(a, { resourceId: 'r1', lockOwner: 'o1', expiryInSeconds: 60 })).json(), { success: false }, 'not reentrant, as in Dapr');
});

test('unlock answers Dapr\'s numeric statuses: 0 released, 1 no such lock, 2 someone else\'s', async (t) => {
  const { a } = t.context;
  await lock(a, { resourceId: 'r2', lockOwner: 'o1', expiryInSeconds: 60 });
  t.is((await unlock(a, { resourceId: 'r2', lockOwner: 'o2' })).text, '{"status":2}');
  t.is((await unlock(a, { resourceId: 'r2', lockOwner: 'o1' })).text, '{"status":0}');
  t.is((await unlock(a, { resourceId: 'r2', lockOwner: 'o1' })).text, '{"status":1}');
  t.deepEqual((await lock(a, { resourceId: 'r2', lockOwner: 'o2', expiryInSeconds: 60 })).json(), { success: true }, 'free again once released');
});

test('locks are stored as lock||<appId>||<resourceId> holding the owner, with the expiry as Redis TTL', async (t) => {
  const { a, redis } = t.context;
  await lock(a, { resourceId: 'r3', lockOwner: 'owner-3', expiryInSeconds: 30 });
  const key = `lock||${a.appId}||r3`;
  t.is(await redis.get(key), 'owner-3');
  const ttl = await redis.ttl(key);
  t.true(ttl > 0 && ttl <= 30);
});

test('an expired lock can be taken by another owner', async (t) => {
  const { a, redis } = t.context;
  await lock(a, { resourceId: 'r4', lockOwner: 'o1', expiryInSeconds: 60 });
  await redis.pexpire(`lock||${a.appId}||r4`, 1); // expire it now rather than wait a minute
  await waitUntil('the lock expired', async () => (await redis.exists(`lock||${a.appId}||r4`)) === 0);
  t.deepEqual((await lock(a, { resourceId: 'r4', lockOwner: 'o2', expiryInSeconds: 60 })).json(), { success: true });
});

test('with the default prefix each app has its own locks', async (t) => {
  const { a, b } = t.context;
  t.deepEqual((await lock(a, { resourceId: 'r5', lockOwner: 'o1', expiryInSeconds: 60 })).json(), { success: true });
  t.deepEqual((await lock(b, { resourceId: 'r5', lockOwner: 'o2', expiryInSeconds: 60 })).json(), { success: true });
});

test('of many concurrent lockers across two sidecars exactly one wins', async (t) => {
  const { a, b, redis, prefix } = t.context;
  const resourceId = uniqueId('contended');
  const attempts = Array.from({ length: 40 }, (_, i) =>
    lock(i % 2 === 0 ? a : b, { resourceId, lockOwner: `owner-${i}`, expiryInSeconds: 60 }, 'shared'),
  );
  const results = await Promise.all(attempts);
  t.true(results.every((r) => r.status === 200));
  const winners = results.flatMap((r, i) => (r.json<{ success: boolean }>().success ? [i] : []));
  t.is(winners.length, 1);
  t.is(await redis.get(`lock||${prefix}||${resourceId}`), `owner-${winners[0]}`);
  const other = (winners[0]! + 1) % 40;
  t.is((await unlock(b, { resourceId, lockOwner: `owner-${other}` }, 'shared')).json<{ status: number }>().status, 2);
});

test('the /v1.0/ paths and snake_case fields work too', async (t) => {
  const { a } = t.context;
  t.deepEqual((await lock(a, { resource_id: 'r6', lock_owner: 'o', expiry_in_seconds: '60' }, 'lockstore', 'v1.0')).json(), { success: true });
  t.deepEqual((await unlock(a, { resourceId: 'r6', lockOwner: 'o' }, 'lockstore', 'v1.0')).json(), { status: 0 });
});

test('bad lock requests get Dapr\'s codes and messages', async (t) => {
  const { a } = t.context;
  const cases: Array<[unknown, string, number, string, string?]> = [
    [{ resourceId: 'r', lockOwner: 'o', expiryInSeconds: 0 }, 'ERR_MALFORMED_REQUEST', 400, 'ExpiryInSeconds is not positive in lock store lockstore'],
    [{ resourceId: 'r', lockOwner: 'o' }, 'ERR_MALFORMED_REQUEST', 400, 'ExpiryInSeconds is not positive in lock store lockstore'],
    [{ lockOwner: 'o', expiryInSeconds: 5 }, 'ERR_MALFORMED_REQUEST', 400, 'ResourceId is empty in lock store lockstore'],
    [{ resourceId: 'r', expiryInSeconds: 5 }, 'ERR_MALFORMED_REQUEST', 400, 'LockOwner is empty in lock store lockstore'],
    [{ resourceId: 'r', lockOwner: 'o', expiryInSeconds: 5 }, 'ERR_LOCK_STORE_NOT_FOUND', 400, 'lock store nowhere not found', 'nowhere'],
    [{ resourceId: 7, lockOwner: 'o', expiryInSeconds: 5 }, 'ERR_MALFORMED_REQUEST', 400, 'failed deserializing HTTP body: resourceId must be a string'],
    [{ resourceId: 'r', lockOwner: 'o', expiryInSeconds: 1.5 }, 'ERR_MALFORMED_REQUEST', 400, 'failed deserializing HTTP body: expiryInSeconds must be a 32-bit integer, got 1.5'],
    [{ resourceId: 'a||b', lockOwner: 'o', expiryInSeconds: 5 }, 'ERR_TRY_LOCK', 500, "failed to try acquiring lock: input key/keyPrefix 'a||b' can't contain '||'"],
  ];
  for (const [body, code, status, message, store] of cases) {
    const res = await lock(a, body, store);
    t.is(res.status, status, JSON.stringify(body));
    t.deepEqual(res.json<DaprErrorBody>(), { errorCode: code, message }, JSON.stringify(body));
  }
  const notJson = await http('POST', `${a.url}/v1.0-alpha1/lock/lockstore`, { body: '{nope', headers: { 'content-type': 'application/json' } });
  t.is(notJson.status, 400);
  t.is(notJson.json<DaprErrorBody>().errorCode, 'ERR_MALFORMED_REQUEST');
});

test('bad unlock requests get Dapr\'s codes', async (t) => {
  const { a } = t.context;
  const empty = await unlock(a, { lockOwner: 'o' });
  t.deepEqual(empty.json(), { errorCode: 'ERR_MALFORMED_REQUEST', message: 'ResourceId is empty in lock store lockstore' });
  const noOwner = await unlock(a, { resourceId: 'r' });
  t.deepEqual(noOwner.json(), { errorCode: 'ERR_MALFORMED_REQUEST', message: 'LockOwner is empty in lock store lockstore' });
  const unknown = await unlock(a, { resourceId: 'r', lockOwner: 'o' }, 'nowhere');
  t.is(unknown.status, 400);
  t.is(unknown.json<DaprErrorBody>().errorCode, 'ERR_LOCK_STORE_NOT_FOUND');
});

test('without any lock store the API is 500 ERR_LOCK_STORE_NOT_CONFIGURED', async (t) => {
  const bare = await startSidecar(t, { resourcesPaths: [await resourcesDir(t, {})] });
  const res = await lock(bare, { resourceId: 'r', lockOwner: 'o', expiryInSeconds: 5 });
  t.is(res.status, 500);
  t.deepEqual(res.json(), { errorCode: 'ERR_LOCK_STORE_NOT_CONFIGURED', message: 'lock store is not configured' });
  t.is((await unlock(bare, { resourceId: 'r', lockOwner: 'o' })).json<DaprErrorBody>().errorCode, 'ERR_LOCK_STORE_NOT_CONFIGURED');
});
