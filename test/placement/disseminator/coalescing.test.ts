import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { FakeSidecar } from '../helpers/fake-sidecar.js';
import { lastRound, startTestPlacement, waitForRound, waitForTable } from '../helpers/placement.js';

test('many joins at once are coalesced into far fewer rounds, and the last table has them all', async (t) => {
  const placement = await startTestPlacement(t);
  const sidecars = await Promise.all(Array.from({ length: 20 }, () => FakeSidecar.connect(t, placement.port, { register: false })));
  for (const sidecar of sidecars) sidecar.register();
  await waitForTable(sidecars, sidecars);
  await waitForRound(placement, sidecars);
  t.true(placement.rounds.length <= 3, `${placement.rounds.length} rounds for 20 joins`);
});

test('a join during PREPARE lets that round commit, then one follow-up round carries it', async (t) => {
  const placement = await startTestPlacement(t, { disseminationTimeoutMs: 5_000 });
  const slow = await FakeSidecar.connect(t, placement.port, { ackPrepare: false });
  await waitUntil('slow got a prepare', () => slow.prepares().length === 1);
  const first = slow.prepares()[0]!.version;

  const late = await FakeSidecar.connect(t, placement.port);
  await waitUntil('the placement saw the join', () => placement.log.some((l) => l.msg === 'host joined' && (l.obj as { hostId?: string }).hostId === late.hostId));
  t.is(slow.prepares().length, 1, 'the running round is not restarted');
  slow.ack('prepare', first);
  await waitUntil('the first round commits', () => slow.commits().some((c) => c.version === first));
  await waitUntil('a follow-up prepare carries both', () => slow.prepares().length === 2);
  const next = slow.prepares()[1]!;
  t.true(next.version > first);
  t.deepEqual(next.members.map((m) => m.hostId).sort(), [slow.hostId, late.hostId].sort());
  slow.ack('prepare', next.version);
  await waitForTable([slow, late], [slow, late]);
  t.is(slow.refusals().length, 0);
});

test('a join during COMMIT lets the round finish, then runs one more', async (t) => {
  const placement = await startTestPlacement(t, { disseminationTimeoutMs: 5_000 });
  const holder = await FakeSidecar.connect(t, placement.port, { ackCommit: false });
  await waitUntil('holder got a commit', () => holder.commits().length === 1);
  const first = holder.commits()[0]!.version;

  const [x, y] = await Promise.all([0, 1].map(() => FakeSidecar.connect(t, placement.port)));
  const joined = (id: string) => placement.log.some((l) => l.msg === 'host joined' && (l.obj as { hostId?: string }).hostId === id);
  await waitUntil('the placement saw both joins', () => joined(x!.hostId) && joined(y!.hostId));
  t.is(holder.prepares().length, 1, 'no new prepare while the commit phase runs');
  holder.ack('commit', first);
  await waitUntil('the first round completed', () => placement.rounds.some((r) => r.version === first));
  await waitUntil('one follow-up prepare with all three', () => holder.prepares().length === 2);
  const followUp = holder.prepares()[1]!;
  t.deepEqual(followUp.members.map((m) => m.hostId).sort(), [holder.hostId, x!.hostId, y!.hostId].sort());
  await waitUntil('holder got the follow-up’s commit', () => holder.commits().some((c) => c.version === followUp.version));
  holder.ack('commit', followUp.version);
  await waitUntil('the follow-up completed', () => lastRound(placement)?.version === followUp.version);
  t.is(placement.rounds.length, 2);
});

test('with a coalesce window, changes inside it become one round', async (t) => {
  const placement = await startTestPlacement(t, { coalesceWindowMs: 1_000, disseminationTimeoutMs: 3_000 });
  const [a, b, c] = await Promise.all([0, 1, 2].map(() => FakeSidecar.connect(t, placement.port, { register: false })));
  a!.register();
  // b and c join in later turns than a: without the window a's round would already be running.
  await waitUntil('a joined', () => placement.log.some((l) => l.msg === 'host joined'));
  b!.register();
  c!.register();
  await waitForTable([a!, b!, c!], [a!, b!, c!]);
  await waitForRound(placement, [a!, b!, c!]);
  t.is(placement.rounds.length, 1);
  t.is(a!.prepares().length, 1);
});
