/** Actor calls across three hosts: routing, turns, single activation, errors. */
import test from 'ava';
import { activationIntervals, callActor, overlaps, startActorCluster } from './actor-cluster.js';

test('calls reach the owning host from any sidecar, and each actor lives on exactly one host', async (t) => {
  const cluster = await startActorCluster(t, 3, { entities: ['Counter'] });
  const ids = Array.from({ length: 30 }, (_, i) => `c-${i}`);
  for (const id of ids) {
    for (const host of cluster.hosts) {
      const res = await callActor(host.sidecar, 'Counter', id, 'incr');
      t.is(res.status, 200, res.text);
    }
  }
  const owners = new Map<string, Set<string>>();
  for (const e of cluster.events.filter((e) => e.kind === 'activate')) owners.set(e.actor, (owners.get(e.actor) ?? new Set()).add(e.app));
  for (const id of ids) t.is(owners.get(`Counter/${id}`)?.size, 1, `Counter/${id} was activated on one host`);
  const last = await callActor(cluster.hosts[0]!.sidecar, 'Counter', 'c-0', 'incr');
  t.is(JSON.parse(last.text).count, 4, 'all calls reached the same instance');
  t.true(new Set([...owners.values()].map((s) => [...s][0])).size > 1, 'the actors are spread over the hosts');
});

test('concurrent calls from several sidecars to one actor run one turn at a time', async (t) => {
  const cluster = await startActorCluster(t, 3, { entities: ['Counter'] });
  const calls = cluster.hosts.flatMap((host) => Array.from({ length: 5 }, () => callActor(host.sidecar, 'Counter', 'busy', 'incr', { delayMs: 20 })));
  const results = await Promise.all(calls);
  t.true(results.every((r) => r.status === 200));
  t.deepEqual(results.map((r) => JSON.parse(r.text).count).sort((a, b) => a - b), Array.from({ length: 15 }, (_, i) => i + 1));
  const turns = cluster.events.filter((e) => e.actor === 'Counter/busy' && (e.kind === 'turn-start' || e.kind === 'turn-end'));
  let running = 0;
  for (const e of turns.sort((a, b) => a.at - b.at)) {
    running += e.kind === 'turn-start' ? 1 : -1;
    t.true(running <= 1, 'never two turns at once');
  }
  t.false([...activationIntervals(cluster.events).values()].some(overlaps));
});

test('an app error is a 500 ERR_ACTOR_INVOKE_METHOD carrying the app body; an unknown type has no address', async (t) => {
  const cluster = await startActorCluster(t, 1, { entities: ['Counter'] });
  const failed = await callActor(cluster.hosts[0]!.sidecar, 'Counter', 'x', 'fail');
  t.is(failed.status, 500);
  t.is(JSON.parse(failed.text).errorCode, 'ERR_ACTOR_INVOKE_METHOD');
  t.regex(JSON.parse(failed.text).message, /the actor broke/);
  const unknown = await callActor(cluster.hosts[0]!.sidecar, 'Nobody', 'x', 'incr');
  t.is(unknown.status, 500);
  t.regex(JSON.parse(unknown.text).message, /did not find address for actor 'Nobody\/x'/);
});

test('an app call that hangs times out instead of wedging the actor', async (t) => {
  const cluster = await startActorCluster(t, 1, { entities: ['Counter'] }, ['--app-call-timeout', '500ms']);
  const { sidecar } = cluster.hosts[0]!;
  const hung = await callActor(sidecar, 'Counter', 'h', 'hang');
  t.is(hung.status, 500);
  t.regex(JSON.parse(hung.text).message, /did not answer within 500 ms/);
  const next = await callActor(sidecar, 'Counter', 'h', 'incr');
  t.is(next.status, 200, 'the actor takes calls again');
});

test('a method call takes any verb, a cleaned path and a query; bad ids and oversized bodies get Dapr errors', async (t) => {
  const cluster = await startActorCluster(t, 1, { entities: ['Counter'] }, ['--dapr-http-max-request-size', '1']);
  const { sidecar, app } = cluster.hosts[0]!;
  for (const [verb, path] of [['GET', '/v1.0/actors/Counter/v/method/incr?x=1'], ['DELETE', '/v1.0//actors/Counter/v/method/incr/']] as const) {
    const res = await fetch(`${sidecar.url}${path}`, { method: verb });
    t.is(res.status, 200, `${verb} ${path}: ${await res.clone().text()}`);
  }
  const calls = app.requests.filter((r) => r.url.startsWith('/actors/Counter/v/method/incr'));
  t.deepEqual(calls.map((r) => r.method), ['PUT', 'PUT'], 'the app always receives PUT');
  t.is(calls[0]!.url, '/actors/Counter/v/method/incr?x=1', 'the query is passed on');

  const bad = await fetch(`${sidecar.url}/v1.0/actors/Counter/a%7C%7Cb/method/incr`, { method: 'POST' });
  t.is(bad.status, 400);
  t.is(((await bad.json()) as { errorCode: string }).errorCode, 'ERR_BAD_REQUEST');
  const big = await fetch(`${sidecar.url}/v1.0/actors/Counter/v/method/incr`, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) });
  t.is(big.status, 413);
});
