import test from 'ava';
import { PLACEMENT_CLOSE_CODES } from '../../../placement/src/index.js';
import { waitUntil } from '../../harness/eventually.js';
import { FakeSidecar } from '../helpers/fake-sidecar.js';
import { SHORT_TIMINGS, startTestPlacement, waitForTable, warned } from '../helpers/placement.js';

test('a member that never acks prepare is evicted after the dissemination timeout; the round goes on without it', async (t) => {
  const placement = await startTestPlacement(t, SHORT_TIMINGS);
  const [a, b] = await Promise.all([0, 1].map(() => FakeSidecar.connect(t, placement.port)));
  await waitForTable([a!, b!], [a!, b!]);
  const evicted: string[] = [];
  placement.events.on('member-evicted', (e) => evicted.push(e.hostId));

  const started = Date.now();
  const stuck = await FakeSidecar.connect(t, placement.port, { ackPrepare: false });
  const { code } = await stuck.closed;
  const elapsed = Date.now() - started;
  t.is(code, PLACEMENT_CLOSE_CODES.ackTimeout);
  t.true(elapsed >= 500 && elapsed < 2_500, `evicted after ${elapsed} ms`);
  t.is(stuck.refusals()[0]?.code, 'PLACEMENT_ACK_TIMEOUT');
  t.deepEqual(evicted, [stuck.hostId]);
  t.true(warned(placement, 'ack timeout'));

  await waitForTable([a!, b!], [a!, b!]);
  const stalled = stuck.prepares()[0]!.version;
  t.true(a!.commits().some((c) => c.version === stalled), 'the stalled round commits without the evicted host\'s ack');
  t.true(a!.commits().at(-1)!.version > stalled, 'and a follow-up round takes the evicted host out');
});

test('a member that never acks commit is evicted, and a follow-up round drops it', async (t) => {
  const placement = await startTestPlacement(t, SHORT_TIMINGS);
  const a = await FakeSidecar.connect(t, placement.port);
  await waitForTable([a], [a]);
  const lazy = await FakeSidecar.connect(t, placement.port, { ackCommit: false });
  await waitUntil('lazy got a commit', () => lazy.commits().length === 1);
  const committed = lazy.commits()[0]!.version;

  const { code } = await lazy.closed;
  t.is(code, PLACEMENT_CLOSE_CODES.ackTimeout);
  await waitUntil('the stalled round completed without it', () => placement.rounds.some((r) => r.version === committed));
  t.deepEqual(placement.rounds.find((r) => r.version === committed)!.members, [a.hostId]);
  await waitForTable([a], [a]);
  t.true(a.committed!.version > committed);
});

test('when every member times out, the namespace is dropped', async (t) => {
  const placement = await startTestPlacement(t, SHORT_TIMINGS);
  const stuck = await FakeSidecar.connect(t, placement.port, { namespace: 'n', ackPrepare: false });
  await stuck.closed;
  await waitUntil('namespace dropped', () => !('n' in placement.state().namespaces));
  t.pass();
});
