/**
 * The StateStore contract as tests: every state component calls `stateStoreConformance` from
 * its own test file, so all stores are held to the same semantics.
 */
import test, { type ExecutionContext } from 'ava';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ManualClock } from '../../../../runtime/src/clock/index.js';
import {
  EtagMismatchError,
  type StateStore,
  type TransactionOperation,
} from '../../../../runtime/src/state/index.js';
import { eventually } from '../../../harness/eventually.js';

export interface OpenedStore {
  readonly store: StateStore;
  /** When the store runs on a ManualClock, TTL tests move it instead of waiting. */
  readonly clock?: ManualClock;
  /** Unique to this test; every key the test writes starts with it. */
  readonly keyPrefix: string;
}

/** Opens a fresh store for one test; it may register its own teardown (the suite closes the store). */
export type OpenStore = (t: ExecutionContext) => Promise<OpenedStore>;

const bytes = (text: string) => Buffer.from(text, 'utf8');

interface Fixture extends OpenedStore {
  key(name: string): string;
  /** The etag of the key, which must exist. */
  etagOf(key: string): Promise<string>;
  /** Returns once an item written with `ttlSeconds` just before this call has expired. */
  outlive(key: string, ttlSeconds: number): Promise<void>;
}

async function fixture(t: ExecutionContext, open: OpenStore): Promise<Fixture> {
  const opened = await open(t);
  t.teardown(() => opened.store.close());
  const { store, clock } = opened;
  return {
    ...opened,
    key: (name) => `${opened.keyPrefix}||${name}`,
    async etagOf(key) {
      const item = await store.get(key);
      if (!item) throw new Error(`${key} is missing`);
      return item.etag;
    },
    async outlive(key, ttlSeconds) {
      if (clock) {
        clock.advance(ttlSeconds * 1000 + 1);
        t.is(await store.get(key), undefined);
        return;
      }
      // Plain assert, not t.is: a failed ava assertion fails the test even when the poll retries.
      await eventually(async () => assert.equal(await store.get(key), undefined, `${key} has not expired yet`), {
        timeoutMs: ttlSeconds * 1000 + 5_000,
        intervalMs: 50,
      });
    },
  };
}

async function expectMismatch(t: ExecutionContext, operation: Promise<unknown>): Promise<void> {
  await t.throwsAsync(operation, { instanceOf: EtagMismatchError });
}

export function stateStoreConformance(name: string, open: OpenStore): void {
  const it = (title: string, body: (t: ExecutionContext, f: Fixture) => Promise<void>) =>
    test(`${name}: ${title}`, async (t) => body(t, await fixture(t, open)));

  it('reports ETAG, TRANSACTIONAL and TTL', async (t, { store }) => {
    for (const feature of ['ETAG', 'TRANSACTIONAL', 'TTL'] as const) t.true(store.features.includes(feature), feature);
  });

  it('get of a missing key is undefined', async (t, { store, key }) => {
    t.is(await store.get(key('missing')), undefined);
  });

  it('set then get round-trips the bytes and returns an etag', async (t, { store, key }) => {
    await store.set({ key: key('a'), value: bytes('{"hello":"world"}') });
    const item = await store.get(key('a'));
    t.deepEqual(item?.value, bytes('{"hello":"world"}'));
    t.is(typeof item?.etag, 'string');
    t.not(item?.etag, '');
    t.is(item?.expiresAt, undefined);
  });

  it('the etag changes on every write', async (t, { store, key, etagOf }) => {
    const etags = new Set<string>();
    for (let i = 0; i < 3; i++) {
      await store.set({ key: key('a'), value: bytes(String(i)) });
      etags.add(await etagOf(key('a')));
    }
    t.is(etags.size, 3);
  });

  it('set with the current etag succeeds; with a stale one it fails and writes nothing', async (t, { store, key, etagOf }) => {
    await store.set({ key: key('a'), value: bytes('1') });
    const stale = await etagOf(key('a'));
    await store.set({ key: key('a'), value: bytes('2'), etag: stale });
    const current = await etagOf(key('a'));
    await expectMismatch(t, store.set({ key: key('a'), value: bytes('3'), etag: stale }));
    const item = await store.get(key('a'));
    t.deepEqual(item?.value, bytes('2'));
    t.is(item?.etag, current);
  });

  it('set with an etag on a missing key is a mismatch', async (t, { store, key, etagOf }) => {
    await store.set({ key: key('other'), value: bytes('x') });
    const etag = await etagOf(key('other'));
    await expectMismatch(t, store.set({ key: key('missing'), value: bytes('y'), etag }));
    t.is(await store.get(key('missing')), undefined);
  });

  it('first-write without an etag: fails on an existing key, succeeds on a new one', async (t, { store, key }) => {
    await store.set({ key: key('new'), value: bytes('1'), concurrency: 'first-write' });
    t.deepEqual((await store.get(key('new')))?.value, bytes('1'));
    await expectMismatch(t, store.set({ key: key('new'), value: bytes('2'), concurrency: 'first-write' }));
    t.deepEqual((await store.get(key('new')))?.value, bytes('1'));
  });

  it('first-write with the current etag succeeds', async (t, { store, key, etagOf }) => {
    await store.set({ key: key('a'), value: bytes('1') });
    const etag = await etagOf(key('a'));
    await store.set({ key: key('a'), value: bytes('2'), etag, concurrency: 'first-write' });
    t.deepEqual((await store.get(key('a')))?.value, bytes('2'));
  });

  it('last-write ignores a stale etag', async (t, { store, key, etagOf }) => {
    await store.set({ key: key('a'), value: bytes('1') });
    const stale = await etagOf(key('a'));
    await store.set({ key: key('a'), value: bytes('2') });
    await store.set({ key: key('a'), value: bytes('3'), etag: stale, concurrency: 'last-write' });
    t.deepEqual((await store.get(key('a')))?.value, bytes('3'));
  });

  it('an empty etag counts as no etag', async (t, { store, key }) => {
    await store.set({ key: key('a'), value: bytes('1'), etag: '' });
    t.deepEqual((await store.get(key('a')))?.value, bytes('1'));
  });

  it('delete with a stale etag fails and keeps the item', async (t, { store, key, etagOf }) => {
    await store.set({ key: key('a'), value: bytes('1') });
    const stale = await etagOf(key('a'));
    await store.set({ key: key('a'), value: bytes('2') });
    await expectMismatch(t, store.delete({ key: key('a'), etag: stale }));
    t.deepEqual((await store.get(key('a')))?.value, bytes('2'));
  });

  it('delete with the current etag removes the item', async (t, { store, key, etagOf }) => {
    await store.set({ key: key('a'), value: bytes('1') });
    await store.delete({ key: key('a'), etag: await etagOf(key('a')) });
    t.is(await store.get(key('a')), undefined);
  });

  it('delete of a missing key: fine without an etag, a mismatch with one', async (t, { store, key, etagOf }) => {
    await store.delete({ key: key('missing') });
    await store.set({ key: key('other'), value: bytes('x') });
    await expectMismatch(t, store.delete({ key: key('missing'), etag: await etagOf(key('other')) }));
  });

  it('a transaction applies upserts and deletes', async (t, { store, key, etagOf }) => {
    await store.set({ key: key('keep'), value: bytes('old') });
    await store.set({ key: key('gone'), value: bytes('x') });
    await store.transact([
      { operation: 'upsert', request: { key: key('keep'), value: bytes('new'), etag: await etagOf(key('keep')) } },
      { operation: 'upsert', request: { key: key('fresh'), value: bytes('f'), concurrency: 'first-write' } },
      { operation: 'delete', request: { key: key('gone'), etag: await etagOf(key('gone')) } },
    ]);
    t.deepEqual((await store.get(key('keep')))?.value, bytes('new'));
    t.deepEqual((await store.get(key('fresh')))?.value, bytes('f'));
    t.is(await store.get(key('gone')), undefined);
  });

  it('a transaction with one failing check writes nothing', async (t, { store, key, etagOf }) => {
    for (const name of ['a', 'b', 'c']) await store.set({ key: key(name), value: bytes(name) });
    const before = await Promise.all(['a', 'b', 'c'].map((name) => store.get(key(name))));
    const staleC = await etagOf(key('c'));
    await store.set({ key: key('c'), value: bytes('c2') });
    const afterC = await store.get(key('c'));
    const failing = (last: TransactionOperation): TransactionOperation[] => [
      { operation: 'upsert', request: { key: key('a'), value: bytes('A') } },
      { operation: 'delete', request: { key: key('b') } },
      { operation: 'upsert', request: { key: key('d'), value: bytes('D') } },
      last,
    ];
    await expectMismatch(t, store.transact(failing({ operation: 'upsert', request: { key: key('c'), value: bytes('C'), etag: staleC } })));
    await expectMismatch(t, store.transact(failing({ operation: 'delete', request: { key: key('c'), etag: staleC } })));
    await expectMismatch(t, store.transact(failing({ operation: 'upsert', request: { key: key('c'), value: bytes('C'), concurrency: 'first-write' } })));
    t.deepEqual(await Promise.all(['a', 'b'].map((name) => store.get(key(name)))), before.slice(0, 2));
    t.deepEqual(await store.get(key('c')), afterC);
    t.is(await store.get(key('d')), undefined);
  });

  it('a transaction checks against the state before it and applies in order', async (t, { store, key, etagOf }) => {
    await store.set({ key: key('a'), value: bytes('1') });
    const etag = await etagOf(key('a'));
    // Both checks see the etag from before the transaction; the later write wins.
    await store.transact([
      { operation: 'upsert', request: { key: key('a'), value: bytes('2'), etag } },
      { operation: 'upsert', request: { key: key('a'), value: bytes('3'), etag } },
      { operation: 'upsert', request: { key: key('b'), value: bytes('b') } },
      { operation: 'delete', request: { key: key('b') } },
    ]);
    t.deepEqual((await store.get(key('a')))?.value, bytes('3'));
    t.is(await store.get(key('b')), undefined);
  });

  it('an empty transaction is a no-op', async (t, { store }) => {
    await store.transact([]);
    t.pass();
  });

  it('an item with ttlSeconds 1 disappears; one with -1 does not', async (t, { store, key, outlive }) => {
    await store.set({ key: key('forever'), value: bytes('f'), ttlSeconds: -1 });
    await store.set({ key: key('brief'), value: bytes('b'), ttlSeconds: 1 });
    t.truthy(await store.get(key('brief')));
    await outlive(key('brief'), 1);
    const forever = await store.get(key('forever'));
    t.deepEqual(forever?.value, bytes('f'));
    t.is(forever?.expiresAt, undefined);
  });

  it('reports expiresAt for items with a TTL', async (t, { store, key, clock }) => {
    const before = (clock ?? Date).now();
    await store.set({ key: key('a'), value: bytes('a'), ttlSeconds: 100 });
    const after = (clock ?? Date).now();
    const expiresAt = (await store.get(key('a')))?.expiresAt;
    // A second of slack: Redis reports the remaining TTL, which the store adds to its own clock.
    t.true(expiresAt !== undefined && expiresAt >= before + 99_000 && expiresAt <= after + 101_000, `${before} ${after} ${expiresAt}`);
  });

  it('a write without a TTL clears an earlier TTL', async (t, { store, key, outlive }) => {
    await store.set({ key: key('a'), value: bytes('1'), ttlSeconds: 1 });
    await store.set({ key: key('a'), value: bytes('2') });
    t.is((await store.get(key('a')))?.expiresAt, undefined);
    await store.set({ key: key('witness'), value: bytes('w'), ttlSeconds: 1 });
    await outlive(key('witness'), 1);
    t.deepEqual((await store.get(key('a')))?.value, bytes('2'));
  });

  it('an expired item counts as absent for first-write and etag checks', async (t, { store, key, etagOf, outlive }) => {
    await store.set({ key: key('a'), value: bytes('1'), ttlSeconds: 1 });
    const etag = await etagOf(key('a'));
    await outlive(key('a'), 1);
    await expectMismatch(t, store.set({ key: key('a'), value: bytes('2'), etag }));
    await store.set({ key: key('a'), value: bytes('3'), concurrency: 'first-write' });
    t.deepEqual((await store.get(key('a')))?.value, bytes('3'));
  });

  it('20 concurrent first-writes of a new key: exactly one succeeds', async (t, { store, key }) => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.set({ key: key('race'), value: bytes(String(i)), concurrency: 'first-write' })),
    );
    assertOneWinner(t, results);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    t.deepEqual((await store.get(key('race')))?.value, bytes(String(winner)));
  });

  it('20 concurrent writes with the same etag: exactly one succeeds', async (t, { store, key, etagOf }) => {
    await store.set({ key: key('race'), value: bytes('start') });
    const etag = await etagOf(key('race'));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.set({ key: key('race'), value: bytes(String(i)), etag })),
    );
    assertOneWinner(t, results);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    t.deepEqual((await store.get(key('race')))?.value, bytes(String(winner)));
  });

  it('a 1 MB value round-trips', async (t, { store, key }) => {
    const value = randomBytes(1024 * 1024);
    await store.set({ key: key('large'), value });
    t.true((await store.get(key('large')))?.value.equals(value));
  });

  it('binary values that are not UTF-8 round-trip, and so does an empty value', async (t, { store, key }) => {
    const value = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xa0, 0xa1, 0x00]);
    await store.set({ key: key('binary'), value });
    t.deepEqual((await store.get(key('binary')))?.value, value);
    await store.set({ key: key('empty'), value: Buffer.alloc(0) });
    t.deepEqual((await store.get(key('empty')))?.value, Buffer.alloc(0));
  });

  it('keys with unusual characters are stored as given', async (t, { store, key }) => {
    const odd = key('spaces and ünïcødé || {braces} *glob? 🚀');
    await store.set({ key: odd, value: bytes('odd') });
    t.deepEqual((await store.get(odd))?.value, bytes('odd'));
    t.is(await store.get(key('spaces and')), undefined);
  });
}

function assertOneWinner(t: ExecutionContext, results: readonly PromiseSettledResult<void>[]): void {
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') t.true(r.reason instanceof EtagMismatchError, String(r.reason));
}
