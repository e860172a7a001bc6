/** Activation and deactivation: idle timeout, state kept, rebalancing without double activation. */
import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { activationIntervals, callActor, overlaps, ringsHave, startActorCluster } from './actor-cluster.js';

test('an idle actor is deactivated after actorIdleTimeout and its state outlives it', async (t) => {
  const cluster = await startActorCluster(t, 1, { entities: ['Box'], actorIdleTimeout: '1s' });
  const sidecar = cluster.hosts[0]!.sidecar;
  const saved = await callActor(sidecar, 'Box', 'b1', 'save', { key: 'content', value: { toy: 'ball' } });
  t.is(JSON.parse(saved.text).status, 204, saved.text);
  await waitUntil('the actor was deactivated', () => cluster.events.some((e) => e.actor === 'Box/b1' && e.kind === 'deactivate'), { timeoutMs: 10_000 });
  const loaded = await callActor(sidecar, 'Box', 'b1', 'load', { key: 'content' });
  t.deepEqual(JSON.parse(JSON.parse(loaded.text).body), { toy: 'ball' });
  t.is(cluster.events.filter((e) => e.actor === 'Box/b1' && e.kind === 'activate').length, 2, 'activated again on the next call');
});

test('actor state: 204 for a missing key, and writes only from the sidecar where the actor is active', async (t) => {
  const cluster = await startActorCluster(t, 1, { entities: ['Box'] });
  const { url } = cluster.hosts[0]!.sidecar;
  const missing = await fetch(`${url}/v1.0/actors/Box/nobody/state/anything`);
  t.is(missing.status, 204);
  const outside = await fetch(`${url}/v1.0/actors/Box/inactive/state`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ operation: 'upsert', request: { key: 'k', value: 1 } }]),
  });
  t.is(outside.status, 400);
  t.is(((await outside.json()) as { errorCode: string }).errorCode, 'ERR_ACTOR_INSTANCE_MISSING');
  const malformed = await fetch(`${url}/v1.0/actors/Box/inactive/state`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"not":"an array"}' });
  t.is(malformed.status, 400);
});

test('when a host joins, moving actors are deactivated on the old host before they activate on the new one', async (t) => {
  const cluster = await startActorCluster(t, 1, { entities: ['Counter'], drainOngoingCallTimeout: '2s' });
  const first = cluster.hosts[0]!;
  const ids = Array.from({ length: 24 }, (_, i) => `m-${i}`);
  for (const id of ids) t.is((await callActor(first.sidecar, 'Counter', id, 'incr')).status, 200);

  let calling = true;
  const traffic = (async () => {
    let failures = 0;
    for (let i = 0; calling; i++) {
      const res = await callActor(first.sidecar, 'Counter', ids[i % ids.length]!, 'incr', { delayMs: 5 });
      if (res.status !== 200) failures++;
    }
    return failures;
  })();
  const second = await cluster.addHost();
  await ringsHave(cluster.placement, ['Counter'], 2);
  for (const id of ids) t.is((await callActor(second.sidecar, 'Counter', id, 'incr')).status, 200);
  calling = false;
  t.is(await traffic, 0, 'calls made during the change all succeeded');

  const intervals = activationIntervals(cluster.events);
  const moved = ids.filter((id) => new Set(intervals.get(`Counter/${id}`)!.map((iv) => iv.app)).size > 1);
  t.true(moved.length > 0, 'some actors moved to the new host');
  for (const id of ids) t.false(overlaps(intervals.get(`Counter/${id}`)!), `Counter/${id} never had two activations at once`);
});
