import test from 'ava';
import { StackDepthError, actorKey, createTurnLock } from '../../../../runtime/src/actors/lock/index.js';
import { flush, probe, turnOf } from './helpers.js';

const key = actorKey('Counter', 'a');
const reentrant = (maxStackDepth = 32) => createTurnLock({ key, reentrancy: { enabled: true, maxStackDepth } });

test('reentrancy lets the chain holding the turn nest at once and unwind', async (t) => {
  const lock = reentrant();
  const outer = await lock.acquire({ chainId: 'x' });
  const inner = await lock.acquire({ chainId: 'x' });
  const innermost = await lock.acquire({ chainId: 'x' });
  t.deepEqual([outer.depth, inner.depth, innermost.depth], [1, 2, 3]);
  innermost.release();
  inner.release();
  t.true(lock.held, 'the outer turn still runs');
  outer.release();
  t.false(lock.held);
});

test('reentrancy keeps other chains waiting until the whole chain has unwound', async (t) => {
  const lock = reentrant();
  const outer = await lock.acquire({ chainId: 'x' });
  const other = probe(lock.acquire({ chainId: 'y' }));
  const inner = await lock.acquire({ chainId: 'x' });
  t.is(inner.depth, 2, 'x re-entered ahead of the queued y');
  inner.release();
  await flush();
  t.is(other.state, 'pending', 'releasing the nested turn returns to the outer one');
  outer.release();
  await flush();
  t.is(other.state, 'fulfilled');
  t.is(turnOf(other).depth, 1);
});

test('reentrancy ignores calls without a chain id: they queue like any other', async (t) => {
  const lock = reentrant();
  const outer = await lock.acquire({ chainId: 'x' });
  const anonymous = probe(lock.acquire());
  await flush();
  t.is(anonymous.state, 'pending');
  outer.release();
  await flush();
  t.is(anonymous.state, 'fulfilled');
});

test('reentrancy joins a queued chain: its calls are granted together when it reaches the front', async (t) => {
  const lock = reentrant();
  const holder = await lock.acquire({ chainId: 'x' });
  const first = probe(lock.acquire({ chainId: 'y' }));
  const third = probe(lock.acquire({ chainId: 'z' }));
  const second = probe(lock.acquire({ chainId: 'y' }));
  holder.release();
  await flush();
  t.is(first.state, 'fulfilled');
  t.is(second.state, 'fulfilled', 'y\'s second call joined y, ahead of z');
  t.deepEqual([turnOf(first).depth, turnOf(second).depth], [1, 2]);
  t.is(third.state, 'pending');
  turnOf(first).release();
  turnOf(second).release();
  await flush();
  t.is(third.state, 'fulfilled');
});

test('reentrancy refuses a call nesting deeper than maxStackDepth with ERR_ACTOR_STACK_DEPTH', async (t) => {
  const lock = reentrant(3);
  const turns = [await lock.acquire({ chainId: 'x' }), await lock.acquire({ chainId: 'x' }), await lock.acquire({ chainId: 'x' })];
  const error = await t.throwsAsync(lock.acquire({ chainId: 'x' }), { instanceOf: StackDepthError, code: 'ERR_ACTOR_STACK_DEPTH' });
  t.false(error?.retryable);
  t.regex(error?.message ?? '', /maximum stack depth exceeded.*Counter\/a.*maxStackDepth 3/);
  turns[2]!.release();
  t.is((await lock.acquire({ chainId: 'x' })).depth, 3, 'depth freed by a release can be used again');
});

test('reentrancy counts queued joins toward maxStackDepth', async (t) => {
  const lock = reentrant(2);
  await lock.acquire({ chainId: 'x' });
  probe(lock.acquire({ chainId: 'y' }));
  probe(lock.acquire({ chainId: 'y' }));
  await t.throwsAsync(lock.acquire({ chainId: 'y' }), { code: 'ERR_ACTOR_STACK_DEPTH' });
});

test('reentrancy off: a call of the chain holding the turn waits like any other chain', async (t) => {
  const lock = createTurnLock({ key });
  const outer = await lock.acquire({ chainId: 'x' });
  const again = probe(lock.acquire({ chainId: 'x' }));
  await flush();
  t.is(again.state, 'pending', 'without a path showing a cycle it is just the next in line');
  outer.release();
  await flush();
  t.is(again.state, 'fulfilled');
  t.is(turnOf(again).depth, 1);
});
