/** Actor timers through the sidecar API: they fire with Dapr's callback body, stop, and move with their actor. */
import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import type { SidecarHandle } from '../../harness/sidecar.js';
import { ringsHave, startActorCluster } from './actor-cluster.js';

async function timer(sidecar: SidecarHandle, verb: 'POST' | 'DELETE', actor: string, name: string, body?: unknown): Promise<number> {
  const res = await fetch(`${sidecar.url}/v1.0/actors/${actor}/timers/${name}`, {
    method: verb,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.status;
}

test('a timer fires with Dapr\'s callback body until it is deleted', async (t) => {
  const cluster = await startActorCluster(t, 1, { entities: ['Clock'] });
  const { sidecar } = cluster.hosts[0]!;
  t.is(await timer(sidecar, 'POST', 'Clock/c1', 'tick', { dueTime: '0s', period: '100ms', callback: 'onTick', data: { n: 1 } }), 204);
  const fires = () => cluster.events.filter((e) => e.kind === 'timer' && e.actor === 'Clock/c1');
  await waitUntil('three fires', () => fires().length >= 3);
  t.deepEqual(fires()[0]!.body, { data: { n: 1 }, callback: 'onTick', dueTime: '0s', period: '100ms' });
  t.is(fires()[0]!.name, 'tick');
  t.is(await timer(sidecar, 'DELETE', 'Clock/c1', 'tick'), 204);
  const stoppedAt = fires().length;
  // Showing that something stops happening takes time: four periods.
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.true(fires().length <= stoppedAt + 1, 'no fires after the delete (one may have been under way)');
});

test('a bad timer body is 500 ERR_ACTOR_TIMER_CREATE naming the field', async (t) => {
  const cluster = await startActorCluster(t, 1, { entities: ['Clock'] });
  const res = await fetch(`${cluster.hosts[0]!.sidecar.url}/v1.0/actors/Clock/c1/timers/bad`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dueTime: 'soon', period: '1s' }),
  });
  t.is(res.status, 500);
  const body = (await res.json()) as { errorCode: string; message: string };
  t.is(body.errorCode, 'ERR_ACTOR_TIMER_CREATE');
  t.regex(body.message, /dueTime "soon"/);
});

test('timers move with their actor when a host joins', async (t) => {
  const cluster = await startActorCluster(t, 1, { entities: ['Clock'] });
  const first = cluster.hosts[0]!;
  const ids = Array.from({ length: 16 }, (_, i) => `m-${i}`);
  for (const id of ids) t.is(await timer(first.sidecar, 'POST', `Clock/${id}`, 'beat', { dueTime: '0s', period: '100ms' }), 204);
  await waitUntil('every timer fired', () => ids.every((id) => cluster.events.some((e) => e.kind === 'timer' && e.actor === `Clock/${id}`)));

  const second = await cluster.addHost();
  await ringsHave(cluster.placement, ['Clock'], 2);
  const joinedAt = performance.now();
  const firedOn = (app: string, id: string, after: number) =>
    cluster.events.some((e) => e.kind === 'timer' && e.app === app && e.actor === `Clock/${id}` && e.at > after);
  await waitUntil('some timers now fire on the new host', () => ids.some((id) => firedOn(second.app.options.name, id, joinedAt)));
  const moved = ids.filter((id) => firedOn(second.app.options.name, id, joinedAt));
  const settledAt = performance.now();
  await waitUntil('every timer fired again since', () => ids.every((id) => cluster.events.some((e) => e.kind === 'timer' && e.actor === `Clock/${id}` && e.at > settledAt)));
  for (const id of moved) t.false(firedOn(first.app.options.name, id, settledAt), `Clock/${id} fires only on its new host`);
  t.true(moved.length > 0 && moved.length < ids.length);
});
