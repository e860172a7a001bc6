import test from 'ava';
import { Redis } from 'ioredis';
import { startAppServer } from '../../harness/app-server.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import type { Owner } from '../../harness/cleanup.js';
import { SidecarError, type ConfigurationUpdate } from '../../../sdk/src/index.js';

/** Redis database 9, so "every key" reads stay small; each test writes its own keys. */
const DB = 9;

async function redisFor(t: Owner): Promise<Redis> {
  const { host, port } = redisAddress();
  const redis = new Redis({ host, port, db: DB, lazyConnect: true });
  await redis.connect();
  t.teardown(() => redis.disconnect());
  return redis;
}

async function configurationApp(t: Owner, updates: ConfigurationUpdate[] = []) {
  const { host, port } = redisAddress();
  const dir = await resourcesDir(t, { 'config.yaml': componentYaml('settings', 'configuration.redis', { redisHost: `${host}:${port}`, redisDB: String(DB) }) });
  return startAppServer(t, (server) => server.onConfiguration('settings', (update) => void updates.push(update)), {}, { resourcesPaths: [dir] });
}

test('get answers the items that exist, with value and version filled in', async (t) => {
  const redis = await redisFor(t);
  const [color, size, missing] = [uniqueId('color'), uniqueId('size'), uniqueId('missing')];
  t.teardown(() => redis.del(color, size));
  await redis.set(color, 'blue||3');
  await redis.set(size, 'large');
  const { client } = await configurationApp(t);
  t.deepEqual(await client.configuration.get('settings', [color, size, missing]), {
    [color]: { value: 'blue', version: '3', metadata: {} },
    [size]: { value: 'large', version: '', metadata: {} },
  });
  t.deepEqual(await client.configuration.get('settings', [missing]), {}, 'none of the keys exist: 204, read as no items');
});

test('subscribe pushes each change to onConfiguration until unsubscribed', async (t) => {
  const redis = await redisFor(t);
  const [watched, other] = [uniqueId('watched'), uniqueId('other')];
  t.teardown(() => redis.del(watched, other));
  const updates: ConfigurationUpdate[] = [];
  const { client } = await configurationApp(t, updates);

  const subscription = await client.configuration.subscribe('settings', [watched]);
  t.truthy(subscription.id);
  await redis.set(other, 'ignored');
  await redis.set(watched, 'on||1');
  await waitUntil('the change is pushed', () => updates.length > 0, { timeoutMs: 30_000 });
  t.deepEqual(updates[0], { store: 'settings', key: watched, subscriptionId: subscription.id, items: { [watched]: { value: 'on', version: '1', metadata: {} } } });

  await subscription.unsubscribe();
  const error = await t.throwsAsync(subscription.unsubscribe(), { instanceOf: SidecarError });
  t.regex(error.message, /subscription does not exist/);
});

test('an unknown store is a SidecarError ERR_CONFIGURATION_STORE_NOT_FOUND', async (t) => {
  const { client } = await configurationApp(t);
  const error = await t.throwsAsync(client.configuration.get('nope', ['a']), { instanceOf: SidecarError });
  t.is(error.errorCode, 'ERR_CONFIGURATION_STORE_NOT_FOUND');
  t.is((await t.throwsAsync(client.configuration.subscribe('nope', ['a']), { instanceOf: SidecarError })).errorCode, 'ERR_CONFIGURATION_STORE_NOT_FOUND');
});
