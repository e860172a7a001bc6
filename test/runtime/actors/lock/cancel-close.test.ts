import test from 'ava';
import { ActorClosedError, actorKey, createTurnLock, createWaitForGraph } from '../../../../runtime/src/actors/lock/index.js';
import { flush, probe, turnOf } from './helpers.js';

const key = actorKey('Counter', 'a');

test('acquire with an aborted signal is removed from the queue and the next waiter proceeds', async (t) => {
  const lock = createTurnLock({ key });
  const holder = await lock.acquire({ chainId: 'x' });
  const timeout = new AbortController();
  const cancelled = probe(lock.acquire({ chainId: 'y', signal: timeout.signal }));
  const next = probe(lock.acquire({ chainId: 'z' }));
  const reason = new Error('call timed out');
  timeout.abort(reason);
  await flush();
  t.is(cancelled.state, 'rejected');
  t.is(cancelled.reason, reason, 'rejects with the signal\'s reason');
  t.is(lock.queueLength, 1);
  holder.release();
  await flush();
  t.is(next.state, 'fulfilled', 'z is granted right after x: y left no hole');
});

test('acquire with an already aborted signal rejects without queueing', async (t) => {
  const lock = createTurnLock({ key });
  await lock.acquire();
  const reason = new Error('gone');
  await t.throwsAsync(lock.acquire({ signal: AbortSignal.abort(reason) }), { is: reason });
  t.is(lock.queueLength, 0);
});

test('acquire ignores an abort after the turn was granted', async (t) => {
  const lock = createTurnLock({ key });
  const controller = new AbortController();
  const turn = await lock.acquire({ signal: controller.signal });
  controller.abort(new Error('late'));
  t.true(lock.held, 'the caller owns the turn and must release it');
  turn.release();
  t.false(lock.held);
});

test('acquire cancelling one call of a joined chain keeps the others of that chain queued', async (t) => {
  const lock = createTurnLock({ key, reentrancy: { enabled: true, maxStackDepth: 32 } });
  const holder = await lock.acquire({ chainId: 'x' });
  const controller = new AbortController();
  const first = probe(lock.acquire({ chainId: 'y', signal: controller.signal }));
  const second = probe(lock.acquire({ chainId: 'y' }));
  controller.abort(new Error('cancelled'));
  holder.release();
  await flush();
  t.is(first.state, 'rejected');
  t.is(second.state, 'fulfilled');
  t.is(turnOf(second).depth, 1);
});

test('close rejects every queued call with a retryable ActorClosedError', async (t) => {
  const lock = createTurnLock({ key });
  await lock.acquire({ chainId: 'x' });
  const queued = [probe(lock.acquire({ chainId: 'y' })), probe(lock.acquire({ chainId: 'z' }))];
  lock.close('moved to another host');
  await flush();
  for (const call of queued) {
    t.is(call.state, 'rejected');
    t.true(call.reason instanceof ActorClosedError);
  }
  const error = queued[0]!.reason as ActorClosedError;
  t.is(error.code, 'ERR_ACTOR_CLOSED');
  t.true(error.retryable);
  t.is(error.message, 'actor Counter/a is closed: moved to another host');
  t.is(lock.queueLength, 0);
  t.true(lock.closed);
});

test('close makes later acquires fail the same way, reentrant ones included', async (t) => {
  const lock = createTurnLock({ key, reentrancy: { enabled: true, maxStackDepth: 32 } });
  const running = await lock.acquire({ chainId: 'x' });
  lock.close();
  await t.throwsAsync(lock.acquire({ chainId: 'x' }), { instanceOf: ActorClosedError, message: /is closed: deactivated$/ });
  running.release();
  await t.throwsAsync(lock.acquire(), { instanceOf: ActorClosedError });
});

test('close aborts the running turn\'s signal so the call in flight can stop', async (t) => {
  const lock = createTurnLock({ key });
  const running = await lock.acquire();
  t.false(running.signal.aborted);
  lock.close('deactivated');
  t.true(running.signal.aborted);
  t.true(running.signal.reason instanceof ActorClosedError);
});

test('drained after close resolves once the running turn is released', async (t) => {
  const lock = createTurnLock({ key });
  const running = await lock.acquire();
  probe(lock.acquire());
  lock.close();
  const drained = probe(lock.drained());
  await flush();
  t.is(drained.state, 'pending', 'the running turn is still in flight');
  running.release();
  await flush();
  t.is(drained.state, 'fulfilled');
  t.false(lock.held);
});

test('close on an idle lock settles drained at once, and a second close changes nothing', async (t) => {
  const lock = createTurnLock({ key });
  lock.close('first');
  lock.close('second');
  await lock.drained();
  await t.throwsAsync(lock.acquire(), { message: /closed: first$/ });
});

test('close leaves the wait-for graph clean, even when the successor lock is already held', async (t) => {
  const graph = createWaitForGraph();
  const old = createTurnLock({ key, graph });
  const running = await old.acquire({ chainId: 'x' });
  probe(old.acquire({ chainId: 'y', path: [actorKey('Counter', 'b')] }));
  t.deepEqual(graph.stats(), { held: 1, waiting: 1 });
  old.close();
  await flush();
  t.deepEqual(graph.stats(), { held: 1, waiting: 0 });
  const successor = createTurnLock({ key, graph });
  const next = await successor.acquire({ chainId: 'z' });
  running.release();
  t.deepEqual(graph.stats(), { held: 1, waiting: 0 }, 'the old lock\'s late release does not free z\'s entry');
  next.release();
  t.deepEqual(graph.stats(), { held: 0, waiting: 0 });
});
