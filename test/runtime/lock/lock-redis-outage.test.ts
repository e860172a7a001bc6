import test from 'ava';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { waitUntil } from '../../harness/eventually.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startSidecar } from '../../harness/sidecar.js';
import { TcpProxy } from '../../harness/tcp-proxy.js';

test('while Redis is unreachable lock and unlock are 500 ERR_TRY_LOCK / ERR_UNLOCK naming the server, and work again once it is back', async (t) => {
  const proxy = await TcpProxy.start(redisAddress());
  t.teardown(() => proxy.close());
  const dir = await resourcesDir(t, { 'lock.yaml': componentYaml('locks', 'lock.redis', { redisHost: `127.0.0.1:${proxy.port}` }) });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const resourceId = uniqueId('outage');
  const take = (owner: string) => http('POST', `${sidecar.url}/v1.0-alpha1/lock/locks`, { json: { resourceId, lockOwner: owner, expiryInSeconds: 30 } });
  const release = (owner: string) => http('POST', `${sidecar.url}/v1.0-alpha1/unlock/locks`, { json: { resourceId, lockOwner: owner } });
  t.deepEqual((await take('before')).json(), { success: true });

  await proxy.cut();
  const locking = await take('during');
  t.is(locking.status, 500);
  t.is(locking.json<DaprErrorBody>().errorCode, 'ERR_TRY_LOCK');
  t.regex(locking.json<DaprErrorBody>().message, new RegExp(`^failed to try acquiring lock: redis 127.0.0.1:${proxy.port} is unreachable`));
  const unlocking = await release('before');
  t.is(unlocking.status, 500);
  t.is(unlocking.json<DaprErrorBody>().errorCode, 'ERR_UNLOCK');

  await proxy.restore();
  await waitUntil('unlock works again', async () => (await release('before')).status === 200, { timeoutMs: 15_000, intervalMs: 100 });
  t.deepEqual((await take('after')).json(), { success: true }, 'the lock taken before the outage was released, not lost or doubled');
  t.deepEqual((await release('after')).json(), { status: 0 });
});
