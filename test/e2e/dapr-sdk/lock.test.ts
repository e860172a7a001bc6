/**
 * The official Dapr JS SDK (@dapr/dapr, HTTP protocol) against our sidecar, unchanged: the
 * distributed lock API as the SDK sends it; the SDK reads unlock statuses only as numbers.
 */
import anyTest, { type TestFn } from 'ava';
import type { DaprClient } from '@dapr/dapr';
import { Cleanup } from '../../harness/cleanup.js';
import { daprClientFor } from '../../harness/dapr-client.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startSidecar } from '../../harness/sidecar.js';

const test = anyTest as TestFn<{ client: DaprClient }>;
const cleanup = new Cleanup();
const STORE = 'lockstore';
/** The SDK's LockStatus values (the enum is not exported from the package root). */
const SUCCESS = 0;
const LOCK_DOES_NOT_EXIST = 1;
const LOCK_BELONGS_TO_OTHERS = 2;

test.before(async (t) => {
  const { host, port } = redisAddress();
  const dir = await resourcesDir(cleanup, { 'lock.yaml': componentYaml(STORE, 'lock.redis', { redisHost: `${host}:${port}` }) });
  const sidecar = await startSidecar(cleanup, { resourcesPaths: [dir] });
  const client = daprClientFor(cleanup, sidecar);
  t.context = { client };
});
test.after.always(() => cleanup.run());

test('DaprClient takes a free lock, and a second owner is refused while it is held', async (t) => {
  const { client } = t.context;
  const resource = uniqueId('sdk-lock');
  t.deepEqual(await client.lock.lock(STORE, resource, 'owner-a', 30), { success: true });
  t.deepEqual(await client.lock.lock(STORE, resource, 'owner-b', 30), { success: false });
  await client.lock.unlock(STORE, resource, 'owner-a');
});

test('DaprClient unlock reads every status the sidecar answers', async (t) => {
  const { client } = t.context;
  const resource = uniqueId('sdk-unlock');
  await client.lock.lock(STORE, resource, 'owner-a', 30);
  t.is((await client.lock.unlock(STORE, resource, 'owner-b')).status, LOCK_BELONGS_TO_OTHERS);
  t.is((await client.lock.unlock(STORE, resource, 'owner-a')).status, SUCCESS);
  t.is((await client.lock.unlock(STORE, resource, 'owner-a')).status, LOCK_DOES_NOT_EXIST);
});
