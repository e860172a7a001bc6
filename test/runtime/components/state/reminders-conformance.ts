/**
 * The ReminderStorage contract as tests: every state component that offers `reminders` calls
 * `reminderStorageConformance` from its own test file, so all of them claim, lease and complete
 * alike. The storage never reads a clock, so every instant here is a plain number.
 */
import test, { type ExecutionContext } from 'ava';
import { uniqueId } from '../../../harness/ids.js';
import {
  REMINDER_PARTITIONS,
  ReminderExistsError,
  reminderPartition,
  type ReminderKey,
  type ReminderScope,
  type ReminderStorage,
  type StateStore,
} from '../../../../runtime/src/state/store.js';

export interface OpenedReminderStore {
  readonly store: StateStore;
  /** A second store on the same data (another sidecar's view); the same store if there is none. */
  readonly other: StateStore;
}

/**
 * Opens stores for one test; it registers its own teardown (closing the stores, deleting what
 * the test wrote under the app ids it is given: every key the test writes carries one of them).
 */
export type OpenReminderStore = (t: ExecutionContext, appIds: readonly string[]) => Promise<OpenedReminderStore>;

const T0 = Date.UTC(2030, 0, 1);
const bytes = (text: string) => Buffer.from(text, 'utf8');

interface Fixture {
  readonly storage: ReminderStorage;
  readonly other: ReminderStorage;
  readonly scope: ReminderScope;
  /** The same actor type under another app id. */
  readonly otherApp: ReminderScope;
  key(actorId: string, name: string, scope?: ReminderScope): ReminderKey;
  put(key: ReminderKey, dueAt: number, value?: string): Promise<void>;
  /** Every due entry of the type at `now`, over all partitions, in (dueAt, then store) order. */
  allDue(now: number): Promise<{ name: string; actorId: string; dueAt: number }[]>;
}

function remindersOf(store: StateStore): ReminderStorage {
  if (!store.reminders) throw new Error('the store offers no reminders');
  return store.reminders;
}

async function fixture(t: ExecutionContext, open: OpenReminderStore): Promise<Fixture> {
  const apps = [uniqueId('rapp'), uniqueId('rapp')] as const;
  const { store, other } = await open(t, apps);
  const storage = remindersOf(store);
  const scope = { appId: apps[0], actorType: 'Cat' };
  return {
    storage,
    other: remindersOf(other),
    scope,
    otherApp: { appId: apps[1], actorType: 'Cat' },
    key: (actorId, name, s = scope) => ({ ...s, actorId, name }),
    put: (key, dueAt, value = `${key.actorId}/${key.name}`) => storage.upsert({ key, dueAt, value: bytes(value) }, { overwrite: true }),
    async allDue(now) {
      const out = [];
      for (let p = 0; p < REMINDER_PARTITIONS; p++) {
        const page = await storage.fetchDue(scope, p, now, 1000);
        out.push(...page.entries.map((e) => ({ name: e.key.name, actorId: e.key.actorId, dueAt: e.dueAt })));
      }
      return out.sort((a, b) => a.dueAt - b.dueAt);
    },
  };
}

/** Actor ids that land in one partition (found by trying), so ordering tests see one index. */
function idsInOnePartition(count: number, partition = 7): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) if (reminderPartition(`cat-${i}`) === partition) ids.push(`cat-${i}`);
  return ids;
}

export function reminderStorageConformance(name: string, open: OpenReminderStore): void {
  const it = (title: string, body: (t: ExecutionContext, f: Fixture) => Promise<void>) =>
    test(`${name} reminders: ${title}`, async (t) => body(t, await fixture(t, open)));

  it('upsert then get round-trips the key, due time and value bytes', async (t, f) => {
    const key = f.key('tom', 'wake');
    t.is(await f.storage.get(key), undefined);
    const value = Buffer.from([0x7b, 0x7c, 0x00, 0xff, 0x7c, 0x7d]);
    await f.storage.upsert({ key, dueAt: T0 + 500, value }, { overwrite: true });
    const got = await f.storage.get(key);
    t.deepEqual(got?.key, key);
    t.is(got?.dueAt, T0 + 500);
    t.deepEqual(got?.value, value);
    t.true(typeof got?.revision === 'string' && got.revision.length > 0);
  });

  it('overwrite:false refuses an existing reminder and changes nothing; overwrite:true replaces it', async (t, f) => {
    const key = f.key('tom', 'wake');
    await f.storage.upsert({ key, dueAt: T0, value: bytes('one') }, { overwrite: false });
    const before = await f.storage.get(key);
    await t.throwsAsync(f.storage.upsert({ key, dueAt: T0 + 1, value: bytes('two') }, { overwrite: false }), { instanceOf: ReminderExistsError });
    t.deepEqual(await f.storage.get(key), before);
    await f.storage.upsert({ key, dueAt: T0 + 2, value: bytes('three') }, { overwrite: true });
    const after = await f.storage.get(key);
    t.deepEqual([after?.dueAt, after?.value.toString()], [T0 + 2, 'three']);
    t.not(after?.revision, before?.revision);
    t.deepEqual(await f.allDue(T0 + 10), [{ name: 'wake', actorId: 'tom', dueAt: T0 + 2 }]);
  });

  it('delete removes the record and its index entry; a second delete finds nothing', async (t, f) => {
    const key = f.key('tom', 'wake');
    await f.put(key, T0);
    t.true(await f.storage.delete(key));
    t.false(await f.storage.delete(key));
    t.is(await f.storage.get(key), undefined);
    t.deepEqual(await f.allDue(T0 + 10), []);
    t.deepEqual((await f.storage.duePartitions(f.scope, T0 + 10)).partitions, []);
  });

  it('listByActor returns one actor’s reminders by name, and nobody else’s', async (t, f) => {
    await f.put(f.key('tom', 'b'), T0 + 2);
    await f.put(f.key('tom', 'a'), T0 + 1);
    await f.put(f.key('tomcat', 'z'), T0);
    await f.put(f.key('tom', 'other-app', f.otherApp), T0);
    await f.put(f.key('tom', 'other-type', { ...f.scope, actorType: 'Dog' }), T0);
    const listed = await f.storage.listByActor(f.scope, 'tom');
    t.deepEqual(listed.map((r) => [r.key.name, r.dueAt, r.value.toString()]), [['a', T0 + 1, 'tom/a'], ['b', T0 + 2, 'tom/b']]);
    t.deepEqual(listed[0]?.key, f.key('tom', 'a'));
    t.deepEqual(await f.storage.listByActor(f.scope, 'nobody'), []);
  });

  it('due queries are ordered by due time, bounded by the limit, paged by the offset, and stop at now', async (t, f) => {
    const ids = idsInOnePartition(5);
    const dues = [T0 + 40, T0 + 10, T0 + 30, T0 + 20, T0 + 1000];
    for (const [i, id] of ids.entries()) await f.put(f.key(id, 'r'), dues[i]!);
    const first = await f.storage.fetchDue(f.scope, 7, T0 + 40, 2);
    t.deepEqual(first.entries.map((e) => e.dueAt), [T0 + 10, T0 + 20]);
    t.deepEqual(first.entries.map((e) => e.key), [f.key(ids[1]!, 'r'), f.key(ids[3]!, 'r')]);
    const second = await f.storage.fetchDue(f.scope, 7, T0 + 40, 2, 2);
    t.deepEqual(second.entries.map((e) => e.dueAt), [T0 + 30, T0 + 40]);
    t.deepEqual((await f.storage.fetchDue(f.scope, 7, T0 + 40, 2, 4)).entries, []);
    t.is(first.nextDueAt, T0 + 1000);
    t.is((await f.storage.fetchDue(f.scope, 7, T0 + 5000, 10)).nextDueAt, undefined);
    t.deepEqual((await f.storage.fetchDue(f.scope, 8, T0 + 5000, 10)).entries, []);
  });

  it('duePartitions names exactly the partitions with something due, and hints at the next due time', async (t, f) => {
    const ids = Array.from({ length: 40 }, (_, i) => `actor-${i}`);
    for (const [i, id] of ids.entries()) await f.put(f.key(id, 'r'), T0 + i * 10);
    const now = T0 + 195;
    const expected = [...new Set(ids.slice(0, 20).map(reminderPartition))].sort((a, b) => a - b);
    const due = await f.storage.duePartitions(f.scope, now);
    t.deepEqual(due.partitions, expected);
    t.true(due.nextDueAt !== undefined && due.nextDueAt > now && due.nextDueAt <= T0 + 390, String(due.nextDueAt));
    const quiet = ids.slice(20).filter((id) => !expected.includes(reminderPartition(id)));
    if (quiet.length > 0) t.true(due.nextDueAt! <= Math.min(...quiet.map((id) => T0 + ids.indexOf(id) * 10)));
    t.is((await f.storage.duePartitions(f.scope, T0 + 10_000)).nextDueAt, undefined);
    t.deepEqual(await f.storage.duePartitions({ ...f.scope, actorType: 'Nobody' }, now), { partitions: [], nextDueAt: undefined });
  });

  it('a claim at the due time read wins once, hands over the value and moves the entry to the lease', async (t, f) => {
    const key = f.key('tom', 'wake');
    await f.put(key, T0, 'payload');
    const [won] = await f.storage.claim([{ key, dueAt: T0 }], T0 + 60_000);
    t.is(won?.value.toString(), 'payload');
    t.is((await f.storage.get(key))?.revision, won?.revision);
    t.is((await f.storage.get(key))?.dueAt, T0 + 60_000);
    t.deepEqual(await f.storage.claim([{ key, dueAt: T0 }], T0 + 60_000), [undefined]);
    t.deepEqual(await f.allDue(T0 + 59_999), []);
    t.deepEqual((await f.storage.duePartitions(f.scope, T0 + 59_999)).partitions, []);
  });

  it('a claim of a missing reminder, or at a due time it no longer has, loses', async (t, f) => {
    const key = f.key('tom', 'wake');
    t.deepEqual(await f.storage.claim([{ key, dueAt: T0 }], T0 + 1), [undefined]);
    await f.put(key, T0 + 5);
    t.deepEqual(await f.storage.claim([{ key, dueAt: T0 }], T0 + 100), [undefined]);
    t.is((await f.storage.get(key))?.dueAt, T0 + 5);
  });

  it('a batch of claims is decided per item', async (t, f) => {
    const [a, b, c] = [f.key('a', 'r'), f.key('b', 'r'), f.key('c', 'r')];
    await f.put(a, T0);
    await f.put(b, T0 + 1);
    const results = await f.storage.claim([{ key: a, dueAt: T0 }, { key: b, dueAt: T0 }, { key: c, dueAt: T0 }], T0 + 1000);
    t.deepEqual(results.map((r) => r?.value.toString()), ['a/r', undefined, undefined]);
  });

  it('concurrent claims from two stores on the same data: exactly one winner', async (t, f) => {
    const key = f.key('tom', 'wake');
    await f.put(key, T0);
    const attempts = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? f.storage : f.other).claim([{ key, dueAt: T0 }], T0 + 1000 + i));
    const winners = (await Promise.all(attempts)).filter(([won]) => won !== undefined);
    t.is(winners.length, 1);
  });

  it('an expired lease makes the entry due again, and it can be claimed again', async (t, f) => {
    const key = f.key('tom', 'wake');
    await f.put(key, T0);
    await f.storage.claim([{ key, dueAt: T0 }], T0 + 1000);
    t.deepEqual(await f.allDue(T0 + 999), []);
    t.deepEqual(await f.allDue(T0 + 1000), [{ name: 'wake', actorId: 'tom', dueAt: T0 + 1000 }]);
    const [again] = await f.other.claim([{ key, dueAt: T0 + 1000 }], T0 + 2000);
    t.is(again?.value.toString(), 'tom/wake');
  });

  it('complete with the claim’s revision reschedules (new due time and value) or deletes', async (t, f) => {
    const [a, b] = [f.key('tom', 'a'), f.key('tom', 'b')];
    await f.put(a, T0);
    await f.put(b, T0);
    const [ca, cb] = await f.storage.claim([{ key: a, dueAt: T0 }, { key: b, dueAt: T0 }], T0 + 1000);
    const applied = await f.storage.complete([
      { key: a, revision: ca!.revision, next: { dueAt: T0 + 50, value: bytes('next') } },
      { key: b, revision: cb!.revision },
    ]);
    t.deepEqual(applied, [true, true]);
    const got = await f.storage.get(a);
    t.deepEqual([got?.dueAt, got?.value.toString()], [T0 + 50, 'next']);
    t.not(got?.revision, ca!.revision);
    t.is(await f.storage.get(b), undefined);
    t.deepEqual(await f.allDue(T0 + 100), [{ name: 'a', actorId: 'tom', dueAt: T0 + 50 }]);
  });

  it('one batch may span actor types, apps and partitions: each item applies to its own reminder', async (t, f) => {
    const ids = idsInOnePartition(2);
    const keys = [f.key(ids[0]!, 'r'), f.key(ids[0]!, 'r', { ...f.scope, actorType: 'Dog' }), f.key(ids[0]!, 'r', f.otherApp), f.key(ids[1]!, 'r'), f.key('other-partition', 'r')];
    for (const key of keys) await f.put(key, T0, `${key.appId === f.scope.appId ? '' : 'other-'}${key.actorType}/${key.actorId}`);
    const claimed = await f.storage.claim(keys.map((key) => ({ key, dueAt: T0 })), T0 + 1000);
    t.deepEqual(claimed.map((c) => c?.value.toString()), [`Cat/${ids[0]}`, `Dog/${ids[0]}`, `other-Cat/${ids[0]}`, `Cat/${ids[1]}`, 'Cat/other-partition']);
    const applied = await f.storage.complete(keys.map((key, i) => ({ key, revision: claimed[i]!.revision, next: { dueAt: T0 + 10 + i, value: bytes(`next-${i}`) } })));
    t.deepEqual(applied, [true, true, true, true, true]);
    for (const [i, key] of keys.entries()) t.deepEqual([(await f.storage.get(key))?.dueAt, (await f.storage.get(key))?.value.toString()], [T0 + 10 + i, `next-${i}`]);
    t.deepEqual((await f.storage.duePartitions({ ...f.scope, actorType: 'Dog' }, T0 + 11)).partitions, [7]);
    t.deepEqual((await f.storage.fetchDue(f.otherApp, 7, T0 + 100, 10)).entries.map((e) => e.dueAt), [T0 + 12]);
  });

  it('complete after an overwrite or a delete changes nothing: the newer write stands', async (t, f) => {
    const [a, b] = [f.key('tom', 'a'), f.key('tom', 'b')];
    await f.put(a, T0);
    await f.put(b, T0);
    const [ca, cb] = await f.storage.claim([{ key: a, dueAt: T0 }, { key: b, dueAt: T0 }], T0 + 1000);
    await f.storage.upsert({ key: a, dueAt: T0 + 7, value: bytes('redefined') }, { overwrite: true });
    await f.storage.delete(b);
    const applied = await f.storage.complete([
      { key: a, revision: ca!.revision, next: { dueAt: T0 + 50, value: bytes('stale') } },
      { key: b, revision: cb!.revision, next: { dueAt: T0 + 50, value: bytes('zombie') } },
    ]);
    t.deepEqual(applied, [false, false]);
    const got = await f.storage.get(a);
    t.deepEqual([got?.dueAt, got?.value.toString()], [T0 + 7, 'redefined']);
    t.is(await f.storage.get(b), undefined);
    t.deepEqual(await f.storage.complete([{ key: a, revision: ca!.revision }]), [false]);
    t.truthy(await f.storage.get(a));
  });

  it('a stale claim cannot complete once the lease was taken over by another claimer', async (t, f) => {
    const key = f.key('tom', 'wake');
    await f.put(key, T0);
    const [first] = await f.storage.claim([{ key, dueAt: T0 }], T0 + 1000);
    const [second] = await f.other.claim([{ key, dueAt: T0 + 1000 }], T0 + 2000);
    t.deepEqual(await f.storage.complete([{ key, revision: first!.revision, next: { dueAt: T0 + 5000, value: bytes('late') } }]), [false]);
    t.deepEqual(await f.other.complete([{ key, revision: second!.revision, next: { dueAt: T0 + 3000, value: bytes('ok') } }]), [true]);
    t.is((await f.storage.get(key))?.value.toString(), 'ok');
  });

  it('apps and actor types are isolated from each other', async (t, f) => {
    const dog = { ...f.scope, actorType: 'Dog' };
    await f.put(f.key('tom', 'wake'), T0, 'cat');
    await f.put(f.key('tom', 'wake', f.otherApp), T0 + 1, 'other-app');
    await f.put(f.key('tom', 'wake', dog), T0 + 2, 'dog');
    t.is((await f.storage.get(f.key('tom', 'wake', f.otherApp)))?.value.toString(), 'other-app');
    t.deepEqual(await f.allDue(T0 + 10), [{ name: 'wake', actorId: 'tom', dueAt: T0 }]);
    t.true(await f.storage.delete(f.key('tom', 'wake', f.otherApp)));
    t.is((await f.storage.get(f.key('tom', 'wake')))?.value.toString(), 'cat');
    t.deepEqual((await f.storage.duePartitions(dog, T0 + 10)).partitions, [reminderPartition('tom')]);
  });

  it('names and ids with separators, spaces and non-ASCII characters round-trip', async (t, f) => {
    const key = f.key('tom |:é', 'wake || up: ü');
    await f.put(key, T0, 'v');
    t.deepEqual((await f.storage.get(key))?.key, key);
    t.deepEqual((await f.storage.listByActor(f.scope, 'tom |:é')).map((r) => r.key.name), ['wake || up: ü']);
    const page = await f.storage.fetchDue(f.scope, reminderPartition('tom |:é'), T0, 10);
    t.deepEqual(page.entries.map((e) => e.key), [key]);
    t.truthy((await f.storage.claim([{ key, dueAt: T0 }], T0 + 5))[0]);
  });
}
