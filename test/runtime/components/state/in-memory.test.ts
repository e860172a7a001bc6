import test from 'ava';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { ManualClock } from '../../../../runtime/src/clock/index.js';
import { ComponentMetadata } from '../../../../runtime/src/components/metadata.js';
import { inMemoryStateStore } from '../../../../runtime/src/components/state/in-memory.js';
import type { ComponentContext } from '../../../../runtime/src/components/registry.js';
import { eventually } from '../../../harness/eventually.js';
import { uniqueId } from '../../../harness/ids.js';
import { stateStoreConformance } from './conformance.js';
import { reminderStorageConformance } from './reminders-conformance.js';

function context(clock: ManualClock): ComponentContext {
  return { appId: uniqueId('app'), namespace: undefined, logger: pino({ level: 'silent' }), clock };
}

stateStoreConformance('in-memory', async () => {
  const clock = new ManualClock();
  const store = await inMemoryStateStore.create(ComponentMetadata.from({}), context(clock));
  return { store, clock, keyPrefix: uniqueId('mem') };
});

// One store is all the sidecars there are: its methods are atomic by running to completion.
reminderStorageConformance('in-memory', async (t) => {
  const store = await inMemoryStateStore.create(ComponentMetadata.from({}), context(new ManualClock()));
  t.teardown(() => store.close());
  return { store, other: store };
});

test('in-memory: the sweep removes expired entries', async (t) => {
  const clock = new ManualClock();
  const store = await inMemoryStateStore.create(ComponentMetadata.from({ cleanupInterval: '20ms' }), context(clock));
  t.teardown(() => store.close());
  const held = () => (store as unknown as { storedEntries(): number }).storedEntries();
  await store.set({ key: 'brief', value: Buffer.from('b'), ttlSeconds: 1 });
  await store.set({ key: 'forever', value: Buffer.from('f') });
  t.is(held(), 2);
  clock.advance(1_001);
  await eventually(() => assert.equal(held(), 1, 'expired entry still held'), { timeoutMs: 5_000 });
  t.truthy(await store.get('forever'));
});

test('in-memory: a stored value is a copy of the caller’s buffer', async (t) => {
  const store = await inMemoryStateStore.create(ComponentMetadata.from({}), context(new ManualClock()));
  t.teardown(() => store.close());
  const value = Buffer.from('abc');
  await store.set({ key: 'k', value });
  value.write('xyz');
  (await store.get('k'))?.value.write('123');
  t.deepEqual((await store.get('k'))?.value, Buffer.from('abc'));
});
