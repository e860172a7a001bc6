import test from 'ava';
import { pino } from 'pino';
import { redisLockStore } from '../../../../runtime/src/components/lock/redis.js';
import { ComponentMetadata, ComponentMetadataError } from '../../../../runtime/src/components/index.js';
import { systemClock } from '../../../../runtime/src/clock/index.js';
import { UnlockStatus } from '../../../../runtime/src/lock/index.js';
import { redisAddress, uniqueId } from '../../../harness/ids.js';
import { freePortForTest } from '../../../harness/ports.js';

const context = { appId: 'app1', namespace: undefined, logger: pino({ level: 'silent' }), clock: systemClock };

test('a store locks, refuses a second owner and releases only for its owner', async (t) => {
  const { host, port } = redisAddress();
  const store = await redisLockStore.create(ComponentMetadata.from({ redisHost: `${host}:${port}` }), context);
  t.teardown(() => store.close());
  const key = uniqueId('lock||component');
  t.true(await store.tryLock(key, 'a', 10));
  t.false(await store.tryLock(key, 'b', 10));
  t.is(await store.unlock(key, 'b'), UnlockStatus.LOCK_BELONGS_TO_OTHERS);
  t.is(await store.unlock(key, 'a'), UnlockStatus.SUCCESS);
  t.is(await store.unlock(key, 'a'), UnlockStatus.LOCK_DOES_NOT_EXIST);
});

test('a malformed redisHost fails loading, naming the field', async (t) => {
  await t.throwsAsync(redisLockStore.create(ComponentMetadata.from({ redisHost: 'host:99999' }), context), {
    instanceOf: ComponentMetadataError,
    message: 'metadata "redisHost" must be host:port, got "host:99999"',
  });
});

test('a Redis that does not answer fails loading with a message naming it', async (t) => {
  const port = await freePortForTest();
  const metadata = ComponentMetadata.from({ redisHost: `127.0.0.1:${port}`, dialTimeout: '1s' });
  await t.throwsAsync(redisLockStore.create(metadata, context), { message: new RegExp(`^redis 127.0.0.1:${port} is unreachable`) });
});
