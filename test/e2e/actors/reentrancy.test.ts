/** A → B → A: a deadlock without reentrancy (detected at once), a re-entry with it. */
import test from 'ava';
import { callActor, startActorCluster } from './actor-cluster.js';

const nested = (inner: unknown) => ({ type: 'Pinger', id: 'b', method: 'call', body: { type: 'Pinger', id: 'a', method: 'incr', body: inner } });

test('without reentrancy, A → B → A fails at once with an error naming the cycle', async (t) => {
  const cluster = await startActorCluster(t, 2, { entities: ['Pinger'] });
  const started = Date.now();
  const res = await callActor(cluster.hosts[0]!.sidecar, 'Pinger', 'a', 'call', nested({}));
  t.is(res.status, 200, res.text);
  const inner = JSON.parse(res.text) as { status: number; body: string };
  const innermost = JSON.parse(JSON.parse(inner.body).body) as { errorCode: string; message: string };
  t.is(innermost.errorCode, 'ERR_ACTOR_DEADLOCK');
  t.regex(innermost.message, /Pinger\/a → Pinger\/b → Pinger\/a/);
  t.true(Date.now() - started < 5000, 'no waiting for a timeout');
});

test('with reentrancy, A → B → A re-enters A', async (t) => {
  const cluster = await startActorCluster(t, 2, { entities: ['Pinger'], reentrancy: { enabled: true, maxStackDepth: 8 } });
  const res = await callActor(cluster.hosts[1]!.sidecar, 'Pinger', 'a', 'call', nested({}));
  t.is(res.status, 200, res.text);
  const viaB = JSON.parse(JSON.parse(res.text).body) as { status: number; body: string };
  t.is(viaB.status, 200);
  t.is(JSON.parse(viaB.body).actor, 'Pinger/a');
});
