import test from 'ava';
import { startApp } from '../../harness/app.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startSidecar } from '../../harness/sidecar.js';
import { OutriggerClient, SidecarError } from '../../../sdk/src/index.js';

async function lockClient(t: Parameters<typeof resourcesDir>[0]): Promise<OutriggerClient> {
  const { host, port } = redisAddress();
  const dir = await resourcesDir(t, { 'lock.yaml': componentYaml('locks', 'lock.redis', { redisHost: `${host}:${port}` }) });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());
  return client;
}

test('one owner takes a lock, others (and the owner again) are refused until it unlocks', async (t) => {
  const client = await lockClient(t);
  const resource = uniqueId('order');
  t.true(await client.lock.tryLock('locks', resource, 'alice', 60));
  t.false(await client.lock.tryLock('locks', resource, 'bob', 60));
  t.false(await client.lock.tryLock('locks', resource, 'alice', 60), 'a lock is not reentrant');
  t.is(await client.lock.unlock('locks', resource, 'bob'), 'LOCK_BELONGS_TO_OTHERS');
  t.is(await client.lock.unlock('locks', resource, 'alice'), 'SUCCESS');
  t.is(await client.lock.unlock('locks', resource, 'alice'), 'LOCK_DOES_NOT_EXIST');
  t.true(await client.lock.tryLock('locks', resource, 'bob', 60));
  t.is(await client.lock.unlock('locks', resource, 'bob'), 'SUCCESS');
});

test('bad arguments and an unknown store are SidecarErrors with Dapr\'s codes', async (t) => {
  const client = await lockClient(t);
  const expiry = await t.throwsAsync(client.lock.tryLock('locks', uniqueId('r'), 'alice', 0), { instanceOf: SidecarError });
  t.is(expiry.errorCode, 'ERR_MALFORMED_REQUEST');
  const owner = await t.throwsAsync(client.lock.unlock('locks', uniqueId('r'), ''), { instanceOf: SidecarError });
  t.is(owner.errorCode, 'ERR_MALFORMED_REQUEST');
  const store = await t.throwsAsync(client.lock.tryLock('nope', uniqueId('r'), 'alice', 5), { instanceOf: SidecarError });
  t.is(store.errorCode, 'ERR_LOCK_STORE_NOT_FOUND');
});

test('unlock reads a status daprd left out as SUCCESS, and a status named rather than numbered', async (t) => {
  const answers = ['{}', '{"status":"LOCK_BELONGS_TO_OTHERS"}', '{"status":7}'];
  const sidecar = await startApp(t, (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(answers.shift()));
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());
  t.is(await client.lock.unlock('locks', 'r', 'o'), 'SUCCESS');
  t.is(await client.lock.unlock('locks', 'r', 'o'), 'LOCK_BELONGS_TO_OTHERS');
  t.is(await client.lock.unlock('locks', 'r', 'o'), 'INTERNAL_ERROR', 'an unknown status is not taken for success');
  t.deepEqual(JSON.parse(sidecar.calls()[0]!.body.toString()), { resourceId: 'r', lockOwner: 'o' });
  t.is(sidecar.calls()[0]?.url, '/v1.0-alpha1/unlock/locks');
});
