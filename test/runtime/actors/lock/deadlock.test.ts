import test from 'ava';
import { DeadlockError, createTurnLock } from '../../../../runtime/src/actors/lock/index.js';
import { counters, flush, key, probe, turnOf } from './helpers.js';

test('deadlock detection refuses A → B → A at once, naming the cycle', async (t) => {
  const { locks, graph } = counters(['a', 'b']);
  await locks.a.acquire({ chainId: 'x' });
  await locks.b.acquire({ chainId: 'x', path: [key('a')] });
  const error = await t.throwsAsync(locks.a.acquire({ chainId: 'x', path: [key('a'), key('b')] }), {
    instanceOf: DeadlockError,
    code: 'ERR_ACTOR_DEADLOCK',
    message: 'deadlock: Counter/a → Counter/b → Counter/a would wait for itself (enable reentrancy for Counter, or break the cycle)',
  });
  t.deepEqual(error?.cycle, [key('a'), key('b'), key('a')]);
  t.false(error?.retryable);
  t.is(locks.a.queueLength, 0, 'the refused call never queued');
  t.is(graph.stats().waiting, 0);
});

test('deadlock detection needs only the path header when the rest of the cycle ran on other sidecars', async (t) => {
  const lock = createTurnLock({ key: key('a') });
  await lock.acquire({ chainId: 'x' });
  await t.throwsAsync(lock.acquire({ chainId: 'x', path: [key('a'), key('remote')] }), {
    message: /^deadlock: Counter\/a → Counter\/remote → Counter\/a would wait for itself/,
  });
});

test('deadlock detection refuses an actor calling itself without reentrancy', async (t) => {
  const { locks } = counters(['a']);
  await locks.a.acquire({ chainId: 'x' });
  await t.throwsAsync(locks.a.acquire({ chainId: 'x', path: [key('a')] }), {
    message: 'deadlock: Counter/a → Counter/a would wait for itself (enable reentrancy for Counter, or break the cycle)',
  });
});

test('deadlock detection lets A → B → A re-enter when reentrancy is on and the chain id matches', async (t) => {
  const { locks } = counters(['a', 'b'], { reentrancy: { enabled: true, maxStackDepth: 32 } });
  await locks.a.acquire({ chainId: 'x' });
  await locks.b.acquire({ chainId: 'x', path: [key('a')] });
  const nested = await locks.a.acquire({ chainId: 'x', path: [key('a'), key('b')] });
  t.is(nested.depth, 2);
});

test('deadlock detection with reentrancy on refuses a cycle whose call lost the chain id', async (t) => {
  const { locks } = counters(['a', 'b'], { reentrancy: { enabled: true, maxStackDepth: 32 } });
  await locks.a.acquire({ chainId: 'x' });
  await locks.b.acquire({ chainId: 'x', path: [key('a')] });
  await t.throwsAsync(locks.a.acquire({ path: [key('a'), key('b')] }), {
    message: /would wait for itself \(forward the chain's Dapr-Reentrancy-Id to Counter, or break the cycle\)$/,
  });
});

test('deadlock detection refuses the second of two chains that take two actors in opposite order', async (t) => {
  const { locks, graph } = counters(['p', 'q']);
  const xp = await locks.p.acquire({ chainId: 'x' });
  const yq = await locks.q.acquire({ chainId: 'y' });
  const xq = probe(locks.q.acquire({ chainId: 'x', path: [key('p')] }));
  const error = await t.throwsAsync(locks.p.acquire({ chainId: 'y', path: [key('q')] }), {
    instanceOf: DeadlockError,
    message: 'deadlock: Counter/q → Counter/p → Counter/q would wait for each other across call chains (take the actors in one order)',
  });
  t.deepEqual(error?.cycle, [key('q'), key('p'), key('q')]);
  t.is(xq.state, 'pending', 'the chain already waiting keeps its place');
  yq.release();
  await flush();
  t.is(xq.state, 'fulfilled', 'once y unwinds, x proceeds');
  turnOf(xq).release();
  xp.release();
  t.deepEqual(graph.stats(), { held: 0, waiting: 0 });
});

test('deadlock detection finds a cycle through three chains', async (t) => {
  const { locks } = counters(['p', 'q', 'r']);
  await locks.p.acquire({ chainId: 'x' });
  await locks.q.acquire({ chainId: 'y' });
  await locks.r.acquire({ chainId: 'z' });
  probe(locks.q.acquire({ chainId: 'x', path: [key('p')] }));
  probe(locks.r.acquire({ chainId: 'y', path: [key('q')] }));
  await t.throwsAsync(locks.p.acquire({ chainId: 'z', path: [key('r')] }), {
    message: /^deadlock: Counter\/r → Counter\/p → Counter\/q → Counter\/r would wait for each other/,
  });
});

test('deadlock detection works from paths alone when calls carry no chain id', async (t) => {
  const { locks } = counters(['p', 'q']);
  await locks.p.acquire();
  await locks.q.acquire();
  probe(locks.q.acquire({ path: [key('p')] }));
  await t.throwsAsync(locks.p.acquire({ path: [key('q')] }), { code: 'ERR_ACTOR_DEADLOCK' });
});

test('deadlock detection lets a chain wait behind a chain that does not wait for it', async (t) => {
  const { locks, graph } = counters(['p', 'q', 'r']);
  const zr = await locks.r.acquire({ chainId: 'z' });
  const yq = await locks.q.acquire({ chainId: 'y' });
  const xp = await locks.p.acquire({ chainId: 'x' });
  const yr = probe(locks.r.acquire({ chainId: 'y', path: [key('q')] }));
  const xq = probe(locks.q.acquire({ chainId: 'x', path: [key('p')] }));
  const wp = probe(locks.p.acquire({ chainId: 'w', path: [] }));
  await flush();
  t.deepEqual([yr.state, xq.state, wp.state], ['pending', 'pending', 'pending'], 'a wait chain, not a cycle');
  zr.release();
  await flush();
  turnOf(yr).release();
  yq.release();
  await flush();
  turnOf(xq).release();
  xp.release();
  await flush();
  turnOf(wp).release();
  t.deepEqual(graph.stats(), { held: 0, waiting: 0 });
});

test('deadlock detection does not blame a chain for a sibling branch of its fan-out', async (t) => {
  const { locks } = counters(['p', 'q', 'r']);
  await locks.p.acquire({ chainId: 'x' });
  await locks.q.acquire({ chainId: 'x', path: [key('p')] });
  await locks.r.acquire({ chainId: 'y' });
  probe(locks.r.acquire({ chainId: 'x', path: [key('p')] }));
  // x holds q and x waits for r, but the branch holding q is not the one waiting: y may wait.
  const yq = probe(locks.q.acquire({ chainId: 'y', path: [key('r')] }));
  await flush();
  t.is(yq.state, 'pending');
});

test('deadlock detection forgets a wait that was cancelled', async (t) => {
  const { locks, graph } = counters(['p', 'q']);
  const xp = await locks.p.acquire({ chainId: 'x' });
  await locks.q.acquire({ chainId: 'y' });
  const timeout = new AbortController();
  const xq = probe(locks.q.acquire({ chainId: 'x', path: [key('p')], signal: timeout.signal }));
  timeout.abort(new Error('call timed out'));
  await flush();
  t.is(xq.state, 'rejected');
  t.is(graph.stats().waiting, 0);
  const yp = probe(locks.p.acquire({ chainId: 'y', path: [key('q')] }));
  await flush();
  t.is(yp.state, 'pending', 'x no longer waits for q, so y may wait for p');
  xp.release();
  await flush();
  t.is(yp.state, 'fulfilled');
});

test('deadlock detection forgets a wait once it was granted', async (t) => {
  const { locks, graph } = counters(['p', 'q']);
  await locks.p.acquire({ chainId: 'x' });
  const yq = await locks.q.acquire({ chainId: 'y' });
  const xq = probe(locks.q.acquire({ chainId: 'x', path: [key('p')] }));
  yq.release();
  await flush();
  turnOf(xq).release();
  t.is(graph.stats().waiting, 0);
  await locks.q.acquire({ chainId: 'y' });
  const yp = probe(locks.p.acquire({ chainId: 'y', path: [key('q')] }));
  await flush();
  t.is(yp.state, 'pending', 'x got q and let it go: no edge is left from p to q');
});

test('deadlock detection ignores a path left stale by a deactivation', async (t) => {
  const { locks, graph } = counters(['p', 'q']);
  const xp = await locks.p.acquire({ chainId: 'x' });
  await locks.q.acquire({ chainId: 'y' });
  probe(locks.q.acquire({ chainId: 'x', path: [key('p')] }));
  locks.p.close('deactivated');
  xp.release();
  const p2 = createTurnLock({ key: key('p'), graph });
  await p2.acquire({ chainId: 'w' });
  const yp = probe(p2.acquire({ chainId: 'y', path: [key('q')] }));
  await flush();
  t.is(yp.state, 'pending', 'p is now held by w, which is not waiting for q');
});
