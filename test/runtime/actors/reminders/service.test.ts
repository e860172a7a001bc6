import test, { type ExecutionContext } from 'ava';
import { ApiError } from '../../../../runtime/src/errors/index.js';
import type { ReminderStorage } from '../../../../runtime/src/state/store.js';
import { cat, gate, T0, times, world } from './helpers.js';

async function rejectsWith(t: ExecutionContext, promise: Promise<unknown>, code: string, status: number): Promise<ApiError | undefined> {
  const err = await t.throwsAsync(promise, { instanceOf: ApiError });
  t.is(err?.code, code);
  t.is(err?.status, status);
  return err as ApiError | undefined;
}

test('a reminder fires at its due time, once, with Dapr’s callback body, and is then gone', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'wake', { dueTime: '5s', data: { n: 1 } });
  await w.clock.advance(4_999);
  t.is(await svc.runDue(), 0);
  await w.clock.advance(1);
  t.is(await svc.runDue(), 1);
  t.deepEqual(w.fired, [{ actor: 'Cat/tom', name: 'wake', body: { data: { n: 1 }, dueTime: '5s', period: '' }, at: 5_000, by: 'a' }]);
  await rejectsWith(t, svc.get(cat, 'wake'), 'ERR_ACTOR_REMINDER_NOT_FOUND', 404);
});

test('the callback body omits absent data and keeps null', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'none', {});
  await svc.create(cat, 'null', { data: null, period: 'PT1M' });
  await svc.runDue();
  const bodies = Object.fromEntries(w.fired.map((f) => [f.name, f.body]));
  t.deepEqual(bodies, { none: { dueTime: '', period: '' }, null: { data: null, dueTime: '', period: 'PT1M' } });
});

test('a periodic reminder keeps its cadence from the scheduled times, even when a fire runs late', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'tick', { dueTime: '1s', period: '2s' });
  for (const step of [1_000, 2_500, 1_500, 2_000]) {
    await w.clock.advance(step);
    await svc.runDue();
  }
  // Due at 1 s, 3 s, 5 s, 7 s: the fire at 3.5 s (late) does not push the next one to 5.5 s.
  t.deepEqual(times(w.fired), [1_000, 3_500, 5_000, 7_000]);
});

test('R<n>/ gives exactly n fires', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'thrice', { period: 'R3/PT10S' });
  for (let i = 0; i < 6; i++) {
    await svc.runDue();
    await w.clock.advance(10_000);
  }
  t.deepEqual(times(w.fired), [0, 10_000, 20_000]);
  await rejectsWith(t, svc.get(cat, 'thrice'), 'ERR_ACTOR_REMINDER_NOT_FOUND', 404);
});

test('the ttl ends a periodic reminder (counted from the due time)', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'brief', { dueTime: '1s', period: '1s', ttl: '2500ms' });
  for (let i = 0; i < 6; i++) {
    await w.clock.advance(1_000);
    await svc.runDue();
  }
  t.deepEqual(times(w.fired), [1_000, 2_000, 3_000]);
  t.deepEqual(await svc.list(cat), []);
});

test('X-DaprReminderCancel (cancel: true) stops a recurring reminder', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'tick', { period: '1s' });
  w.answer((f) => ({ cancel: f.at >= 1_000 }));
  for (let i = 0; i < 4; i++) {
    await svc.runDue();
    await w.clock.advance(1_000);
  }
  t.deepEqual(times(w.fired), [0, 1_000]);
  await rejectsWith(t, svc.get(cat, 'tick'), 'ERR_ACTOR_REMINDER_NOT_FOUND', 404);
});

test('delete stops a reminder; deleting one that does not exist is fine', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'tick', { period: '1s' });
  await svc.runDue();
  await svc.delete(cat, 'tick');
  await svc.delete(cat, 'tick');
  await w.clock.advance(5_000);
  t.is(await svc.runDue(), 0);
  t.deepEqual(times(w.fired), [0]);
});

test('overwrite:false on an existing reminder is 409 ERR_ACTOR_REMINDER_ALREADY_EXISTS; overwrite resets the schedule', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'wake', { dueTime: '10s', data: 'first' });
  const err = await rejectsWith(t, svc.create(cat, 'wake', { dueTime: '1s', overwrite: false }), 'ERR_ACTOR_REMINDER_ALREADY_EXISTS', 409);
  t.is(err?.message, 'actor reminder already exists: wake');
  t.like(await svc.get(cat, 'wake'), { data: 'first', dueTime: '10s' });
  await w.clock.advance(5_000);
  await svc.create(cat, 'wake', { dueTime: '1s', data: 'second' });
  await w.clock.advance(1_000);
  await svc.runDue();
  t.deepEqual(w.fired.map((f) => [f.at, f.body]), [[6_000, { data: 'second', dueTime: '1s', period: '' }]]);
});

test('an invalid schedule is 500 ERR_ACTOR_REMINDER_CREATE naming the field, and stores nothing', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ dueTime: 'soon' }, /invalid dueTime "soon"/],
    [{ period: 'every minute' }, /invalid period "every minute"/],
    [{ period: 'R0/PT1S' }, /invalid period "R0\/PT1S": has zero repetitions/],
    [{ dueTime: '10s', ttl: '-20s' }, /invalid ttl "-20s": has already expired/],
  ];
  for (const [body, message] of cases) {
    const err = await rejectsWith(t, svc.create(cat, 'bad', body), 'ERR_ACTOR_REMINDER_CREATE', 500);
    t.regex(err?.message ?? '', /^error creating actor reminder: /);
    t.regex(err?.message ?? '', message);
  }
  t.deepEqual(await svc.list(cat), []);
});

test('a body that is not a reminder request is 400 ERR_MALFORMED_REQUEST', async (t) => {
  const svc = world(t).sidecar('a');
  for (const body of [undefined, 'x', [], { dueTime: 5 }, { period: true }, { overwrite: 'no' }]) {
    await rejectsWith(t, svc.create(cat, 'bad', body), 'ERR_MALFORMED_REQUEST', 400);
  }
});

test('names Dapr refuses, and actor ids with ||, are 400 ERR_BAD_REQUEST', async (t) => {
  const svc = world(t).sidecar('a');
  for (const name of ['.', '..', 'a/b', 'a#b', 'a?b', 'a\\b', 'a\u0000b', 'tab\there']) {
    await rejectsWith(t, svc.create(cat, name, {}), 'ERR_BAD_REQUEST', 400);
  }
  await rejectsWith(t, svc.get({ type: 'Cat', id: 'a||b' }, 'wake'), 'ERR_BAD_REQUEST', 400);
});

test('get returns Dapr’s shape: the text as given, the ttl as RFC 3339, empty fields left out', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'full', { dueTime: '1m', period: 'R5/PT10S', ttl: '1h', data: { deep: [1, 'two', null] } });
  await svc.create(cat, 'bare', {});
  t.deepEqual(await svc.get(cat, 'full'), {
    actorID: 'tom',
    actorType: 'Cat',
    data: { deep: [1, 'two', null] },
    dueTime: '1m',
    period: 'R5/PT10S',
    ttl: new Date(T0 + 60_000 + 3_600_000).toISOString().replace('.000Z', 'Z'),
  });
  t.deepEqual(await svc.get(cat, 'bare'), { actorID: 'tom', actorType: 'Cat' });
  const err = await rejectsWith(t, svc.get(cat, 'missing'), 'ERR_ACTOR_REMINDER_NOT_FOUND', 404);
  t.is(err?.message, 'actor reminder not found: missing');
});

test('list returns one actor’s reminders by name', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'b', { period: '1s' });
  await svc.create(cat, 'a', { data: 1 });
  await svc.create({ type: 'Cat', id: 'felix' }, 'c', {});
  t.deepEqual(await svc.list(cat), [
    { name: 'a', actorID: 'tom', actorType: 'Cat', data: 1 },
    { name: 'b', actorID: 'tom', actorType: 'Cat', period: '1s' },
  ]);
});

test('reminders survive a restart: a new service on the same storage fires the next occurrence', async (t) => {
  const w = world(t);
  const first = w.sidecar('first');
  await first.create(cat, 'tick', { period: '1m' });
  await first.runDue();
  await first.close();
  await w.clock.advance(60_000);
  const second = w.sidecar('second');
  t.is(await second.runDue(), 1);
  t.deepEqual(w.fired.map((f) => [f.at, f.by]), [[0, 'first'], [60_000, 'second']]);
});

test('only the owner fires: a sidecar that does not own the actor never does, the owner does once', async (t) => {
  const w = world(t);
  const stranger = w.sidecar('stranger', { owns: () => false });
  const owner = w.sidecar('owner', { owns: (actor) => actor.id === 'tom' });
  await stranger.create(cat, 'wake', {});
  await stranger.create({ type: 'Cat', id: 'felix' }, 'wake', {});
  t.is(await stranger.runDue(), 0);
  t.is(await owner.runDue(), 1);
  t.is(await stranger.runDue(), 0);
  t.is(await owner.runDue(), 0);
  t.deepEqual(w.fired.map((f) => [f.actor, f.by]), [['Cat/tom', 'owner']]);
  t.like(await owner.get({ type: 'Cat', id: 'felix' }, 'wake'), { actorID: 'felix' });
});

test('types this sidecar does not host are not polled', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a', { hostedTypes: () => ['Dog'] });
  await svc.create(cat, 'wake', {});
  t.is(await svc.runDue(), 0);
});

test('two sidecars that both think they own an actor (a table change): each occurrence fires once', async (t) => {
  const w = world(t);
  const a = w.sidecar('a');
  const b = w.sidecar('b');
  for (let i = 0; i < 20; i++) await a.create({ type: 'Cat', id: `cat-${i}` }, 'tick', { period: '1s' });
  for (let round = 0; round < 3; round++) {
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    await w.clock.advance(1_000);
  }
  t.is(w.fired.length, 60);
  t.is(new Set(w.fired.map((f) => `${f.actor}@${f.at}`)).size, 60);
});

test('after downtime a periodic reminder fires once, then resumes its period', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'tick', { dueTime: '1m', period: '1m' });
  await w.clock.advance(60 * 60_000 + 30_000); // down from before the first fire until 1 h 0 m 30 s
  t.is(await svc.runDue(), 1);
  t.is(await svc.runDue(), 0);
  await w.clock.advance(29_999);
  t.is(await svc.runDue(), 0);
  await w.clock.advance(1);
  t.is(await svc.runDue(), 1);
  t.deepEqual(times(w.fired), [3_630_000, 3_660_000]);
});

test('a failing fire is retried with backoff, not lost', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  await svc.create(cat, 'wake', { data: 'x' });
  w.answer(() => {
    if (w.fired.length < 3) throw new Error('the app answered 500');
    return { cancel: false };
  });
  await svc.runDue(); // attempt 1 at 0 fails; retry after 1 s
  await w.clock.advance(999);
  await svc.runDue();
  await w.clock.advance(1);
  await svc.runDue(); // attempt 2 at 1 s fails; retry after 2 s
  await w.clock.advance(2_000);
  await svc.runDue(); // attempt 3 at 3 s succeeds
  await w.clock.advance(60_000);
  await svc.runDue();
  t.deepEqual(times(w.fired), [0, 1_000, 3_000]);
  t.deepEqual(await svc.list(cat), []);
});

test('a fire that keeps failing is given up after maxAttempts; a periodic reminder moves to its next period', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a', { retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 100 } });
  await svc.create(cat, 'once', {});
  await svc.create(cat, 'tick', { period: '10s' });
  w.answer(() => {
    throw new Error('unreachable');
  });
  for (let i = 0; i < 5; i++) {
    await svc.runDue();
    await w.clock.advance(100);
  }
  t.deepEqual(w.fired.map((f) => `${f.name}@${f.at}`), ['once@0', 'tick@0', 'once@100', 'tick@100', 'once@200', 'tick@200']);
  t.deepEqual((await svc.list(cat)).map((r) => r.name), ['tick']);
  w.answer(() => ({ cancel: false }));
  await w.clock.advance(10_000 - 500);
  t.is(await svc.runDue(), 1);
});

test('a sidecar that dies mid-fire leaves a lease: the reminder fires again, elsewhere, when it ends', async (t) => {
  const w = world(t);
  const hang = gate();
  // A dead process renews nothing: its store calls fail from the moment it dies.
  let died = false;
  const s = w.storage;
  const mortal: ReminderStorage = {
    upsert: (r, o) => s.upsert(r, o),
    get: (k) => s.get(k),
    delete: (k) => s.delete(k),
    listByActor: (scope, id) => s.listByActor(scope, id),
    duePartitions: (scope, now) => s.duePartitions(scope, now),
    fetchDue: (scope, p, now, limit, offset) => s.fetchDue(scope, p, now, limit, offset),
    claim: (claims, until) => (died ? Promise.reject(new Error('the process died')) : s.claim(claims, until)),
    complete: (completions) => s.complete(completions),
  };
  const dying = w.sidecar('dying', { leaseMs: 30_000, storage: mortal });
  const survivor = w.sidecar('survivor', { leaseMs: 30_000 });
  await dying.create(cat, 'wake', {});
  w.answer((f) => (f.by === 'dying' ? hang.promise.then(() => ({ cancel: false })) : { cancel: false }));
  const stuck = dying.runDue(); // claims, fires, never completes: as if the process died
  await new Promise((resolve) => setImmediate(resolve));
  died = true;
  t.is(await survivor.runDue(), 0);
  await w.clock.advance(29_999);
  t.is(await survivor.runDue(), 0);
  await w.clock.advance(1);
  t.is(await survivor.runDue(), 1);
  t.deepEqual(w.fired.map((f) => [f.by, f.at]), [['dying', 0], ['survivor', 30_000]]);
  hang.release();
  await stuck; // the zombie's completion finds a newer revision and changes nothing
  t.deepEqual(await survivor.list(cat), []);
});

test('a fire that runs longer than the lease keeps it by renewing: nobody else takes it over', async (t) => {
  const w = world(t);
  const hang = gate();
  const slow = w.sidecar('slow', { leaseMs: 30_000 });
  const other = w.sidecar('other', { leaseMs: 30_000 });
  await slow.create(cat, 'wake', {});
  w.answer((f) => (f.by === 'slow' ? hang.promise.then(() => ({ cancel: false })) : { cancel: false }));
  const running = slow.runDue();
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 9; i++) {
    await w.clock.advance(10_000);
    t.is(await other.runDue(), 0, `still leased after ${(i + 1) * 10} s`);
  }
  hang.release();
  await running;
  t.deepEqual(w.fired.map((f) => f.by), ['slow']);
});

test('closing a sidecar hands its fires in flight back, due at once for the next owner', async (t) => {
  const w = world(t);
  const closing = w.sidecar('closing');
  const next = w.sidecar('next');
  await closing.create(cat, 'wake', {});
  w.answer((f) => (f.by === 'closing' ? new Promise(() => undefined) : { cancel: false }));
  void closing.runDue();
  await new Promise((resolve) => setImmediate(resolve));
  await closing.close();
  t.is(await next.runDue(), 1);
  t.deepEqual(w.fired.map((f) => f.by), ['closing', 'next']);
});

test('a reminder overwritten while it fires keeps the new definition', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a');
  const hang = gate();
  await svc.create(cat, 'wake', { period: '1s', data: 'old' });
  w.answer(() => hang.promise.then(() => ({ cancel: false })));
  const firing = svc.runDue();
  await new Promise((resolve) => setImmediate(resolve));
  await svc.create(cat, 'wake', { dueTime: '1h', data: 'new' });
  hang.release();
  await firing;
  t.like(await svc.get(cat, 'wake'), { data: 'new', dueTime: '1h' });
  await w.clock.advance(3_600_000);
  await svc.runDue();
  t.deepEqual(w.fired.map((f) => (f.body as { data: string }).data), ['old', 'new']);
});

test('the loop fires on its own: at the due time of a local create, and within a poll of another sidecar’s', async (t) => {
  const w = world(t);
  const looping = w.sidecar('looping', { pollIntervalMs: 250 });
  const other = w.sidecar('other', { owns: () => false });
  looping.start();
  await looping.create(cat, 'local', { dueTime: '10s' });
  await other.create({ type: 'Cat', id: 'felix' }, 'remote', { dueTime: '10s' });
  await w.clock.advance(10_500);
  t.deepEqual(w.fired.map((f) => [f.name, f.at, f.by]).sort(), [['local', 10_000, 'looping'], ['remote', 10_000, 'looping']]);
});

test('maxInFlight bounds the fires running at once; the rest fire as slots free up', async (t) => {
  const w = world(t);
  const svc = w.sidecar('a', { maxInFlight: 2, batchSize: 2 });
  for (let i = 0; i < 7; i++) await svc.create({ type: 'Cat', id: `cat-${i}` }, 'wake', {});
  let running = 0;
  let most = 0;
  w.answer(async () => {
    most = Math.max(most, ++running);
    await new Promise((resolve) => setImmediate(resolve));
    running--;
    return { cancel: false };
  });
  svc.start();
  await w.clock.advance(1_000);
  t.is(w.fired.length, 7);
  t.is(most, 2);
});
