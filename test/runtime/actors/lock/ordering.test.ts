import test from 'ava';
import { ManualClock } from '../../../../runtime/src/clock/index.js';
import { actorKey, createTurnLock } from '../../../../runtime/src/actors/lock/index.js';
import type { Turn } from '../../../../runtime/src/actors/lock/index.js';
import { flush, probe, turnOf } from './helpers.js';

const key = actorKey('Counter', 'a');

test('acquire on a free lock grants the turn at once, at depth 1', async (t) => {
  const lock = createTurnLock({ key });
  const turn = await lock.acquire();
  t.is(turn.depth, 1);
  t.true(lock.held);
  t.is(lock.queueLength, 0);
  turn.release();
  t.false(lock.held);
});

test('acquire grants 10 concurrent calls strictly in arrival order, one at a time', async (t) => {
  const lock = createTurnLock({ key });
  const order: number[] = [];
  let running = 0;
  const calls = Array.from({ length: 10 }, async (_, i) => {
    const turn = await lock.acquire({ chainId: `chain-${i}` });
    running++;
    t.is(running, 1, 'only one turn runs at a time');
    order.push(i);
    await flush();
    running--;
    turn.release();
  });
  t.is(lock.queueLength, 9, 'all but the first wait');
  await Promise.all(calls);
  t.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  t.false(lock.held);
});

test('acquire keeps a second chain waiting until the first releases', async (t) => {
  const lock = createTurnLock({ key });
  const first = await lock.acquire({ chainId: 'x' });
  const second = probe(lock.acquire({ chainId: 'y' }));
  await flush();
  t.is(second.state, 'pending');
  first.release();
  await flush();
  t.is(second.state, 'fulfilled');
  t.is(turnOf(second).depth, 1);
});

test('release is idempotent: a second release does not free the next chain\'s turn', async (t) => {
  const lock = createTurnLock({ key });
  const first = await lock.acquire({ chainId: 'x' });
  const second = probe(lock.acquire({ chainId: 'y' }));
  const third = probe(lock.acquire({ chainId: 'z' }));
  first.release();
  first.release();
  await flush();
  t.is(second.state, 'fulfilled');
  t.is(third.state, 'pending', 'the double release did not end y\'s turn');
  t.is(lock.queueLength, 1);
});

test('turnStartedAt is the clock time the current chain got the turn, undefined when free', async (t) => {
  const clock = new ManualClock(1_000);
  const lock = createTurnLock({ key, clock });
  t.is(lock.turnStartedAt, undefined);
  const first = await lock.acquire();
  t.is(lock.turnStartedAt, 1_000);
  const second = probe(lock.acquire());
  clock.advance(250);
  first.release();
  await flush();
  t.is(lock.turnStartedAt, 1_250, 'the next chain\'s turn starts when it is granted');
  turnOf(second).release();
  t.is(lock.turnStartedAt, undefined);
});

test('queueLength counts waiting calls, not running ones', async (t) => {
  const lock = createTurnLock({ key });
  const turns: Promise<Turn>[] = [lock.acquire(), lock.acquire(), lock.acquire()];
  t.is(lock.queueLength, 2);
  (await turns[0]!).release();
  t.is(lock.queueLength, 1);
  (await turns[1]!).release();
  (await turns[2]!).release();
  t.is(lock.queueLength, 0);
  t.false(lock.held);
});

test('drained resolves at once on an idle lock', async (t) => {
  const lock = createTurnLock({ key });
  await lock.drained();
  t.pass();
});

test('drained resolves only after the last queued turn is released', async (t) => {
  const lock = createTurnLock({ key });
  const first = await lock.acquire();
  const second = probe(lock.acquire());
  const drained = probe(lock.drained());
  first.release();
  await flush();
  t.is(drained.state, 'pending', 'the second chain now holds the turn');
  turnOf(second).release();
  await flush();
  t.is(drained.state, 'fulfilled');
});

test('createTurnLock rejects a maxStackDepth below 1 with a TypeError', (t) => {
  t.throws(() => createTurnLock({ key, reentrancy: { enabled: true, maxStackDepth: 0 } }), { instanceOf: TypeError });
  t.throws(() => createTurnLock({ key, reentrancy: { enabled: true, maxStackDepth: 1.5 } }), { instanceOf: TypeError });
});
