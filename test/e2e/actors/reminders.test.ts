/** Reminders through real sidecars: Dapr's API and callback, a restart, and a crashed owner. */
import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir, tempDir } from '../../harness/files.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startPlacementProcess } from '../../harness/placement.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';
import { startActorApp, type ActorEvent } from '../../harness/actor-app.js';
import { ringsHave } from './actor-cluster.js';

function reminder(sidecar: SidecarHandle, verb: string, actor: string, name: string, body?: unknown) {
  return fetch(`${sidecar.url}/v1.0/actors/${actor}/reminders/${name}`, {
    method: verb,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const firesOf = (events: readonly ActorEvent[], actor: string, after = 0, app?: string) =>
  events.filter((e) => e.kind === 'reminder' && e.actor === actor && e.at > after && (!app || e.app === app));

test('a reminder fires with Dapr\'s callback body, can be read back, and stops when deleted; it survives a sidecar restart', async (t) => {
  const home = await tempDir(t);
  const appId = uniqueId('rem');
  const events: ActorEvent[] = [];
  const app = await startActorApp(t, { name: 'only', config: { entities: ['Alarm'] } }, events);
  const first = await startSidecar(t, { appId, appPort: app.port, home });
  app.options.sidecarUrl = first.url;
  await waitUntil('Alarm is hosted', async () => (await reminder(first, 'GET', 'Alarm/a1', 'none')).status !== 403);

  t.is((await reminder(first, 'POST', 'Alarm/a1', 'wake', { dueTime: '0s', period: '200ms', data: { msg: 'hi' } })).status, 204);
  await waitUntil('it fired', () => firesOf(events, 'Alarm/a1').length >= 2);
  t.deepEqual(firesOf(events, 'Alarm/a1')[0]!.body, { data: { msg: 'hi' }, dueTime: '0s', period: '200ms' });
  const read = await reminder(first, 'GET', 'Alarm/a1', 'wake');
  t.is(read.status, 200);
  t.like((await read.json()) as object, { period: '200ms', data: { msg: 'hi' } });

  await first.stop();
  const stoppedAt = performance.now();
  const second = await startSidecar(t, { appId, appPort: app.port, home });
  app.options.sidecarUrl = second.url;
  await waitUntil('it fires again after the restart', () => firesOf(events, 'Alarm/a1', stoppedAt).length >= 1, { timeoutMs: 10_000 });

  t.is((await reminder(second, 'DELETE', 'Alarm/a1', 'wake')).status, 204);
  t.is((await reminder(second, 'GET', 'Alarm/a1', 'wake')).status, 404);
});

test('after a kill -9 of their host, reminders keep firing from the new owner within 5 s', async (t) => {
  const placement = await startPlacementProcess(t, ['--host-timeout', '1s']);
  const { host, port } = redisAddress();
  const dir = await resourcesDir(t, { 'store.yaml': componentYaml('actorstore', 'state.redis', { redisHost: `${host}:${port}`, actorStateStore: 'true' }) });
  const appId = uniqueId('rem-ha');
  const events: ActorEvent[] = [];
  const hosts = [];
  for (const name of ['h0', 'h1']) {
    const app = await startActorApp(t, { name, config: { entities: ['Alarm'] } }, events);
    const sidecar = await startSidecar(t, { appId, appPort: app.port, placement: placement.address, resourcesPaths: [dir] });
    app.options.sidecarUrl = sidecar.url;
    hosts.push({ app, sidecar });
  }
  await ringsHave(placement, ['Alarm'], 2);
  const ids = Array.from({ length: 12 }, (_, i) => `a-${i}`);
  for (const id of ids) t.is((await reminder(hosts[0]!.sidecar, 'POST', `Alarm/${id}`, 'tick', { dueTime: '0s', period: '300ms' })).status, 204);
  await waitUntil('every reminder fired', () => ids.every((id) => firesOf(events, `Alarm/${id}`).length > 0));

  const victim = hosts[0]!;
  const orphans = ids.filter((id) => firesOf(events, `Alarm/${id}`).at(-1)!.app === victim.app.options.name);
  t.true(orphans.length > 0, 'the first host owned some');
  await victim.sidecar.stop('SIGKILL');
  const killedAt = performance.now();
  await waitUntil('the survivor fires every orphan', () => orphans.every((id) => firesOf(events, `Alarm/${id}`, killedAt, 'h1').length > 0), { timeoutMs: 5_000, intervalMs: 50 });
  t.pass();
  t.teardown(async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis({ host, port });
    const keys = await redis.keys(`*${appId}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
});

test('after an outage, a reminder that missed fires fires once, then resumes its period (no flood)', async (t) => {
  const home = await tempDir(t);
  const appId = uniqueId('rem-catchup');
  const events: ActorEvent[] = [];
  const app = await startActorApp(t, { name: 'only', config: { entities: ['Alarm'] } }, events);
  const first = await startSidecar(t, { appId, appPort: app.port, home });
  app.options.sidecarUrl = first.url;
  await waitUntil('Alarm is hosted', async () => (await reminder(first, 'GET', 'Alarm/z', 'none')).status !== 403);
  t.is((await reminder(first, 'POST', 'Alarm/z', 'beat', { dueTime: '0s', period: '300ms' })).status, 204);
  await waitUntil('it fired', () => firesOf(events, 'Alarm/z').length >= 1);

  await first.stop();
  // The outage: about seven periods with nobody to fire the reminder.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const backAt = performance.now();
  const second = await startSidecar(t, { appId, appPort: app.port, home });
  app.options.sidecarUrl = second.url;
  await waitUntil('it fires again', () => firesOf(events, 'Alarm/z', backAt).length >= 1, { timeoutMs: 10_000 });
  const caughtUp = firesOf(events, 'Alarm/z', backAt)[0]!.at;
  await waitUntil('it resumed its period', () => firesOf(events, 'Alarm/z', caughtUp).length >= 2, { timeoutMs: 5_000 });
  // The catch-up fire, then the cadence resumes on its original grid: the next slot may come
  // at any point within one period, but never the six or so a flood would replay.
  const burst = firesOf(events, 'Alarm/z', backAt).filter((e) => e.at - caughtUp < 250);
  t.true(burst.length <= 2, `${burst.length} fires right after the outage: one catch-up, not one per missed period`);
  const [next, after] = firesOf(events, 'Alarm/z', caughtUp);
  t.true(after!.at - next!.at > 200, 'then the period again');
});
