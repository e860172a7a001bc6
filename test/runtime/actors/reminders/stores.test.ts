/**
 * The reminder service on the real stores: a sidecar restart is a new store connection (or file
 * handle) and a new service, and the loop runs on real time.
 */
import test, { type ExecutionContext } from 'ava';
import { Redis } from 'ioredis';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createReminderService } from '../../../../runtime/src/actors/reminders/index.js';
import { systemTimerClock } from '../../../../runtime/src/actors/timers/index.js';
import { systemClock } from '../../../../runtime/src/clock/index.js';
import { ComponentMetadata } from '../../../../runtime/src/components/metadata.js';
import { redisStateStore } from '../../../../runtime/src/components/state/redis.js';
import { sqliteStateStore } from '../../../../runtime/src/components/state/sqlite.js';
import type { StateStore } from '../../../../runtime/src/state/store.js';
import { waitUntil } from '../../../harness/eventually.js';
import { redisAddress, uniqueId } from '../../../harness/ids.js';
import { cat, silent, world } from './helpers.js';

type OpenStore = () => Promise<StateStore>;

const context = () => ({ appId: uniqueId('app'), namespace: undefined, logger: pino({ level: 'silent' }), clock: systemClock });

/** Opens stores on one Redis; deletes the keys of `appIds` afterwards. */
function redisStores(t: ExecutionContext, appIds: () => readonly string[]): OpenStore {
  const { host, port } = redisAddress();
  t.teardown(async () => {
    const client = new Redis({ host, port });
    for (const appId of appIds()) {
      for (const prefix of [`reminders||${appId}||`, `reminders-due||${appId}||`]) {
        const keys = await client.keys(`${prefix}*`);
        if (keys.length > 0) await client.del(...keys);
      }
    }
    await client.quit();
  });
  return () => redisStateStore.create(ComponentMetadata.from({ redisHost: `${host}:${port}` }), context());
}

function sqliteStores(t: ExecutionContext): OpenStore {
  const dir = join(tmpdir(), uniqueId('outrigger-reminders'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return () => sqliteStateStore.create(ComponentMetadata.from({ connectionString: join(dir, 'state.db') }), context());
}

const backends: [string, (t: ExecutionContext, appIds: () => readonly string[]) => OpenStore][] = [
  ['redis', redisStores],
  ['sqlite', (t) => sqliteStores(t)],
];

for (const [name, stores] of backends) {
  test(`${name}: a reminder survives a restart of the sidecar and its store connection`, async (t) => {
    let appId = '';
    const open = stores(t, () => [appId]);
    const before = await open();
    const w = world(t, before.reminders!);
    appId = w.appId;
    const first = w.sidecar('first');
    await first.create(cat, 'tick', { period: '1m', data: { n: 1 } });
    await first.runDue();
    await first.close();
    await before.close();

    const after = await open();
    t.teardown(() => after.close());
    const second = w.sidecar('second', { storage: after.reminders! });
    t.like(await second.get(cat, 'tick'), { period: '1m', data: { n: 1 } });
    await w.clock.advance(60_000);
    t.is(await second.runDue(), 1);
    t.deepEqual(w.fired.map((f) => [f.at, f.by]), [[0, 'first'], [60_000, 'second']]);
  });

  test(`${name}: the loop fires on real time, shortly after the due time`, async (t) => {
    const appId = uniqueId('app');
    const store = await stores(t, () => [appId])();
    t.teardown(() => store.close());
    const fired: number[] = [];
    const service = createReminderService({
      appId,
      storage: store.reminders!,
      clock: systemTimerClock,
      owns: () => true,
      hostedTypes: () => ['Cat'],
      fire: async () => {
        fired.push(Date.now());
        return { cancel: false };
      },
      logger: silent,
      pollIntervalMs: 50,
    });
    t.teardown(() => service.close());
    service.start();
    const created = Date.now();
    await service.create(cat, 'soon', { dueTime: '200ms', period: '100ms', ttl: '450ms' });
    await waitUntil('three fires', () => fired.length >= 3, { timeoutMs: 5_000 });
    t.true(fired[0]! >= created + 200, `first fire ${fired[0]! - created} ms after the create`);
    await waitUntil('the ttl ends it', async () => (await service.list(cat)).length === 0, { timeoutMs: 5_000 });
  });
}
