import test from 'ava';
import WebSocket from 'ws';
import type { PlacementState } from '../../../placement/src/index.js';
import { FakeSidecar } from '../helpers/fake-sidecar.js';
import { startTestPlacement, waitForTable } from '../helpers/placement.js';

test('GET /placement/state shows the committed version, hosts and rings', async (t) => {
  const placement = await startTestPlacement(t, { replicationFactor: 7 });
  const a = await FakeSidecar.connect(t, placement.port, { appId: 'shop', actorTypes: ['Cart', 'Counter'] });
  const b = await FakeSidecar.connect(t, placement.port, { appId: 'web', actorTypes: [] });
  await waitForTable([a, b], [a, b]);

  const res = await fetch(`http://127.0.0.1:${placement.port}/placement/state`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /application\/json/);
  const state = (await res.json()) as PlacementState;
  const ns = state.namespaces['']!;
  t.is(ns.version, a.committed!.version);
  t.is(state.tableVersion, ns.version);
  t.is(state.replicationFactor, 7);
  const hostA = ns.hosts.find((h) => h.hostId === a.hostId)!;
  t.like(hostA, { appId: 'shop', address: a.host.address, actorTypes: ['Cart', 'Counter'] });
  t.true(Math.abs(Date.parse(hostA.lastSeen) - Date.now()) < 5_000);
  t.truthy(ns.hosts.find((h) => h.hostId === b.hostId));
  t.deepEqual(ns.rings, [
    { actorType: 'Cart', hosts: [a.hostId], vnodesPerHost: 7 },
    { actorType: 'Counter', hosts: [a.hostId], vnodesPerHost: 7 },
  ]);
});

test('GET /placement/state with no sidecars is empty', async (t) => {
  const placement = await startTestPlacement(t);
  const state = (await (await fetch(`http://127.0.0.1:${placement.port}/placement/state`)).json()) as PlacementState;
  t.deepEqual(state, { tableVersion: 0, replicationFactor: 100, namespaces: {} });
});

test('GET /healthz answers 204; unknown paths 404; other methods 405', async (t) => {
  const placement = await startTestPlacement(t);
  const base = `http://127.0.0.1:${placement.port}`;
  t.is((await fetch(`${base}/healthz`)).status, 204);
  t.is((await fetch(`${base}/nope`)).status, 404);
  t.is((await fetch(`${base}/placement/state`, { method: 'POST' })).status, 405);
});

test('a websocket upgrade on another path is refused with 400', async (t) => {
  const placement = await startTestPlacement(t);
  const ws = new WebSocket(`ws://127.0.0.1:${placement.port}/v1/other`);
  t.teardown(() => ws.terminate());
  const status = await new Promise<number | undefined>((resolve) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.once('error', () => resolve(undefined));
  });
  t.is(status, 400);
});
