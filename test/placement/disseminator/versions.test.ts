import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { VersionIssuer } from '../../../placement/src/disseminator/versions.js';
import { FakeSidecar } from '../helpers/fake-sidecar.js';
import { startTestPlacement, waitForRound, waitForTable } from '../helpers/placement.js';

test('VersionIssuer follows the clock, and never repeats or goes back when the clock does', (t) => {
  let now = 1_000;
  const versions = new VersionIssuer({ now: () => now });
  t.is(versions.next(), 1_000);
  t.is(versions.next(), 1_001, 'same millisecond: one more');
  now = 500;
  t.is(versions.next(), 1_002, 'clock went back: still one more');
  now = 5_000;
  t.is(versions.next(), 5_000);
});

test('VersionIssuer issues above any version a sidecar reported', (t) => {
  const versions = new VersionIssuer({ now: () => 1_000 });
  versions.observe(9_000);
  versions.observe(2_000);
  t.is(versions.next(), 9_001);
});

test('versions only grow across rounds and namespaces', async (t) => {
  const placement = await startTestPlacement(t);
  const a = await FakeSidecar.connect(t, placement.port, { namespace: 'x' });
  await waitForTable([a], [a]);
  const b = await FakeSidecar.connect(t, placement.port, { namespace: 'y' });
  await waitForTable([b], [b]);
  const c = await FakeSidecar.connect(t, placement.port, { namespace: 'x' });
  await waitForTable([a, c], [a, c]);
  await c.close();
  await waitForTable([a], [a]);
  await waitForRound(placement, [a], 'x');
  const versions = placement.rounds.map((r) => r.version);
  t.true(versions.length >= 4);
  t.deepEqual([...versions].sort((p, q) => p - q), versions);
  t.is(new Set(versions).size, versions.length);
});

test('a new placement instance issues versions above the old one’s', async (t) => {
  const old = await startTestPlacement(t);
  const a = await FakeSidecar.connect(t, old.port);
  await waitForTable([a], [a]);
  const oldVersion = a.committed!.version;
  await old.close();

  const fresh = await startTestPlacement(t);
  const b = await FakeSidecar.connect(t, fresh.port);
  await waitForTable([b], [b]);
  t.true(b.committed!.version > oldVersion);
});

test('a new placement issues versions above a sidecar’s lastTable version, even one from the future', async (t) => {
  const placement = await startTestPlacement(t);
  const future = Date.now() + 3_600_000;
  const a = await FakeSidecar.connect(t, placement.port, { lastTable: { version: future, hostIds: [] } });
  await waitUntil('a committed', () => a.committed !== undefined);
  t.true(a.committed!.version > future);
});
