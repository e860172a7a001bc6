import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { FakeSidecar } from '../helpers/fake-sidecar.js';
import { lastRound, startTestPlacement, waitForRound, waitForTable } from '../helpers/placement.js';

test('a join sends prepare with every member, then commit once all acked', async (t) => {
  const placement = await startTestPlacement(t);
  const a = await FakeSidecar.connect(t, placement.port);
  await waitForTable([a], [a]);
  const b = await FakeSidecar.connect(t, placement.port);
  await waitForTable([a, b], [a, b]);

  const prepare = a.prepares().at(-1)!;
  t.deepEqual(prepare.members.map((m) => m.hostId).sort(), [a.hostId, b.hostId].sort());
  t.is(prepare.replicationFactor, 100);
  t.deepEqual(prepare.members.find((m) => m.hostId === b.hostId), b.host);
  t.is(a.commits().at(-1)!.version, prepare.version);
  t.is(b.commits().at(-1)!.version, prepare.version);
  await waitUntil('the round completed', () => lastRound(placement)?.version === prepare.version);
  t.deepEqual(lastRound(placement)!.members, [a.hostId, b.hostId].sort());
});

test('a commit is sent only after every member acked the prepare', async (t) => {
  const placement = await startTestPlacement(t, { disseminationTimeoutMs: 5_000 });
  const a = await FakeSidecar.connect(t, placement.port);
  await waitForTable([a], [a]);
  const b = await FakeSidecar.connect(t, placement.port, { ackPrepare: false });
  await waitUntil('b got the prepare', () => b.prepares().length === 1);
  const version = b.prepares()[0]!.version;
  await waitUntil('a acked it', () => a.prepares().some((p) => p.version === version));
  t.false(a.commits().some((c) => c.version === version), 'no commit while b has not acked');
  b.ack('prepare', version);
  await waitForTable([a, b], [a, b]);
  t.is(b.committed!.version, version);
});

test('a graceful leave starts a round without the leaver', async (t) => {
  const placement = await startTestPlacement(t);
  const [a, b, c] = await Promise.all([0, 1, 2].map(() => FakeSidecar.connect(t, placement.port)));
  await waitForTable([a!, b!, c!], [a!, b!, c!]);
  await c!.close();
  await waitForTable([a!, b!], [a!, b!]);
  await waitForRound(placement, [a!, b!]);
  t.is(lastRound(placement)!.version, a!.committed!.version);
});

test('hosts without actor types are full members and get every round', async (t) => {
  const placement = await startTestPlacement(t);
  const actor = await FakeSidecar.connect(t, placement.port, { actorTypes: ['Counter'] });
  const plain = await FakeSidecar.connect(t, placement.port, { actorTypes: [] });
  await waitForTable([actor, plain], [actor, plain]);
  t.deepEqual(placement.state().namespaces['']!.rings.map((r) => r.hosts), [[actor.hostId]]);
});

test('a register with changed actor types is a membership update and starts a round', async (t) => {
  const placement = await startTestPlacement(t);
  const a = await FakeSidecar.connect(t, placement.port, { actorTypes: ['Counter'] });
  await waitForTable([a], [a]);
  const before = a.committed!.version;
  a.register({ actorTypes: ['Counter', 'Timer'] });
  await waitUntil('a new table', () => (a.committed?.version ?? 0) > before);
  t.deepEqual(a.prepares().at(-1)!.members[0]!.actorTypes, ['Counter', 'Timer']);
  t.deepEqual(placement.state().namespaces['']!.rings.map((r) => r.actorType), ['Counter', 'Timer']);
});

test('the same register sent again changes nothing and starts no round', async (t) => {
  const placement = await startTestPlacement(t);
  const a = await FakeSidecar.connect(t, placement.port);
  await waitForTable([a], [a]);
  const b = await FakeSidecar.connect(t, placement.port);
  await waitForTable([a, b], [a, b]);
  await waitForRound(placement, [a, b]);
  const rounds = placement.rounds.length;
  const prepares = b.prepares().length;
  a.register();
  await waitUntil('a’s register was handled', () => placement.log.some((l) => l.msg === 'host registered again, unchanged'));
  // Had a's register started a round, its prepare would reach b before the one for b's change.
  b.register({ actorTypes: ['Other'] });
  await waitUntil('b’s change committed', () => b.prepares().length > prepares && lastRound(placement)?.version === b.prepares().at(-1)!.version);
  t.is(b.prepares().length, prepares + 1);
  t.true(b.prepares().at(-1)!.members.some((m) => m.actorTypes.includes('Other')));
  t.is(placement.rounds.length, rounds + 1);
});

test('namespaces are isolated: members of one never appear in prepares of another', async (t) => {
  const placement = await startTestPlacement(t);
  const a1 = await FakeSidecar.connect(t, placement.port, { namespace: 'a' });
  const a2 = await FakeSidecar.connect(t, placement.port, { namespace: 'a' });
  const b1 = await FakeSidecar.connect(t, placement.port, { namespace: 'b' });
  await waitForTable([a1, a2], [a1, a2]);
  await waitForTable([b1], [b1]);
  for (const prepare of b1.prepares()) t.deepEqual(prepare.members.map((m) => m.hostId), [b1.hostId]);
  for (const s of [a1, a2]) for (const prepare of s.prepares()) t.false(prepare.members.some((m) => m.hostId === b1.hostId));
  t.deepEqual(Object.keys(placement.state().namespaces).sort(), ['a', 'b']);
});

test('a namespace whose last member left is dropped from the state', async (t) => {
  const placement = await startTestPlacement(t);
  const a = await FakeSidecar.connect(t, placement.port, { namespace: 'gone' });
  const b = await FakeSidecar.connect(t, placement.port, { namespace: 'stays' });
  await waitForTable([a], [a]);
  await waitForTable([b], [b]);
  await a.close();
  await waitUntil('namespace dropped', () => !('gone' in placement.state().namespaces));
  t.truthy(placement.state().namespaces['stays']);
});
