import test, { type ExecutionContext } from 'ava';
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ManualClock } from '../../../../runtime/src/clock/index.js';
import { ComponentMetadataError } from '../../../../runtime/src/components/errors.js';
import { ComponentMetadata } from '../../../../runtime/src/components/metadata.js';
import type { ComponentContext } from '../../../../runtime/src/components/registry.js';
import { sqliteStateStore } from '../../../../runtime/src/components/state/sqlite.js';
import { EtagMismatchError, type StateStore } from '../../../../runtime/src/state/index.js';
import { eventually } from '../../../harness/eventually.js';
import { uniqueId } from '../../../harness/ids.js';
import { stateStoreConformance } from './conformance.js';
import { reminderStorageConformance } from './reminders-conformance.js';

function context(clock = new ManualClock()): ComponentContext {
  return { appId: uniqueId('app'), namespace: undefined, logger: pino({ level: 'silent' }), clock };
}

/** A database path in a directory that does not exist yet, removed after the test. */
function tempDatabase(t: ExecutionContext): string {
  const dir = join(tmpdir(), uniqueId('outrigger-sqlite'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'nested', 'state.db');
}

async function open(t: ExecutionContext, metadata: Record<string, string>, clock?: ManualClock): Promise<StateStore> {
  const store = await sqliteStateStore.create(ComponentMetadata.from(metadata), context(clock));
  t.teardown(() => store.close());
  return store;
}

/** A second, plain connection to the file, as another process would have. */
function inspect(t: ExecutionContext, path: string): Database.Database {
  const db = new Database(path, { readonly: true });
  t.teardown(() => db.close());
  return db;
}

stateStoreConformance('sqlite', async (t) => {
  const clock = new ManualClock();
  const store = await sqliteStateStore.create(ComponentMetadata.from({ connectionString: tempDatabase(t) }), context(clock));
  return { store, clock, keyPrefix: uniqueId('sqlite') };
});

// Two stores on one file, as two sidecars (or processes) would share it.
reminderStorageConformance('sqlite', async (t) => {
  const path = tempDatabase(t);
  return { store: await open(t, { connectionString: path }), other: await open(t, { connectionString: path }) };
});

test('sqlite: creates the directory, the table, its index and WAL mode', async (t) => {
  const path = tempDatabase(t);
  await open(t, { connectionString: path });
  t.true(existsSync(path));
  const db = inspect(t, path);
  t.is(db.pragma('journal_mode', { simple: true }), 'wal');
  const columns = db.prepare(`SELECT name, type, pk FROM pragma_table_info('state')`).all();
  t.deepEqual(columns, [
    { name: 'key', type: 'TEXT', pk: 1 },
    { name: 'value', type: 'BLOB', pk: 0 },
    { name: 'etag', type: 'TEXT', pk: 0 },
    { name: 'expires_at', type: 'INTEGER', pk: 0 },
    { name: 'updated_at', type: 'INTEGER', pk: 0 },
  ]);
  const indexed = db.prepare(`SELECT name FROM pragma_index_list('state') i WHERE EXISTS
    (SELECT 1 FROM pragma_index_info(i.name) WHERE name = 'expires_at')`).all();
  t.is(indexed.length, 1);
});

test('sqlite: disableWAL and tableName are honoured', async (t) => {
  const path = tempDatabase(t);
  const store = await open(t, { connectionString: path, disableWAL: 'true', tableName: 'my_state' });
  await store.set({ key: 'k', value: Buffer.from('v') });
  const db = inspect(t, path);
  t.not(db.pragma('journal_mode', { simple: true }), 'wal');
  t.deepEqual(db.prepare('SELECT key, value FROM my_state').all(), [{ key: 'k', value: Buffer.from('v') }]);
});

test('sqlite: two stores on one file see each other’s writes and etags', async (t) => {
  const path = tempDatabase(t);
  const a = await open(t, { connectionString: path });
  const b = await open(t, { connectionString: path });
  await a.set({ key: 'k', value: Buffer.from('1') });
  const first = await b.get('k');
  t.deepEqual(first?.value, Buffer.from('1'));
  await b.set({ key: 'k', value: Buffer.from('2'), etag: first!.etag });
  await t.throwsAsync(a.set({ key: 'k', value: Buffer.from('3'), etag: first!.etag }), { instanceOf: EtagMismatchError });
  await t.throwsAsync(a.set({ key: 'k', value: Buffer.from('3'), concurrency: 'first-write' }), { instanceOf: EtagMismatchError });
  await t.throwsAsync(
    a.transact([{ operation: 'delete', request: { key: 'k', etag: first!.etag } }]),
    { instanceOf: EtagMismatchError },
  );
  const second = await a.get('k');
  t.deepEqual(second?.value, Buffer.from('2'));
  await a.delete({ key: 'k', etag: second!.etag });
  t.is(await b.get('k'), undefined);
});

test('sqlite: first-writes racing through two stores on one file: exactly one wins', async (t) => {
  const path = tempDatabase(t);
  const stores = [await open(t, { connectionString: path }), await open(t, { connectionString: path })];
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      stores[i % 2]!.set({ key: 'race', value: Buffer.from(String(i)), concurrency: 'first-write' }),
    ),
  );
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') t.true(r.reason instanceof EtagMismatchError);
});

test('sqlite: the cleanup deletes expired rows', async (t) => {
  const path = tempDatabase(t);
  const clock = new ManualClock();
  const store = await open(t, { connectionString: path, cleanupInterval: '20ms' }, clock);
  await store.set({ key: 'brief', value: Buffer.from('b'), ttlSeconds: 1 });
  await store.set({ key: 'forever', value: Buffer.from('f') });
  const db = inspect(t, path);
  const rows = () => db.prepare<[], string>('SELECT key FROM state ORDER BY key').pluck().all();
  t.deepEqual(rows(), ['brief', 'forever']);
  clock.advance(1_001);
  await eventually(() => assert.deepEqual(rows(), ['forever']), { timeoutMs: 5_000 });
});

test('sqlite: cleanupInterval 0 keeps expired rows (still invisible)', async (t) => {
  const path = tempDatabase(t);
  const clock = new ManualClock();
  const store = await open(t, { connectionString: path, cleanupInterval: '0' }, clock);
  await store.set({ key: 'brief', value: Buffer.from('b'), ttlSeconds: 1 });
  clock.advance(1_001);
  t.is(await store.get('brief'), undefined);
  t.is(inspect(t, path).prepare('SELECT count(*) FROM state').pluck().get(), 1);
});

test('sqlite: :memory: and Dapr’s file::memory: work', async (t) => {
  for (const connectionString of [':memory:', 'file::memory:?cache=shared']) {
    const store = await open(t, { connectionString });
    await store.set({ key: 'k', value: Buffer.from('v') });
    t.deepEqual((await store.get('k'))?.value, Buffer.from('v'));
  }
});

test('sqlite: bad metadata is a ComponentMetadataError', async (t) => {
  const path = tempDatabase(t);
  for (const tableName of ['state; DROP TABLE x', 'my-state', '1state', 'a.b', '"quoted"']) {
    const err = await t.throwsAsync(open(t, { connectionString: path, tableName }), { instanceOf: ComponentMetadataError });
    t.regex(err?.message ?? '', /tableName/);
  }
  await t.throwsAsync(open(t, {}), { instanceOf: ComponentMetadataError, message: /connectionString/ });
  await t.throwsAsync(open(t, { connectionString: path, busyTimeout: 'soon' }), { instanceOf: ComponentMetadataError });
});

test('sqlite: registered as state.sqlite and state.sqlite3', (t) => {
  t.is(sqliteStateStore.type, 'state.sqlite');
  t.deepEqual(sqliteStateStore.aliases, ['state.sqlite3']);
});
