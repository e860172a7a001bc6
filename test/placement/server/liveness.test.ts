import test from 'ava';
import { PLACEMENT_CLOSE_CODES } from '../../../placement/src/index.js';
import { waitUntil } from '../../harness/eventually.js';
import { FakeSidecar } from '../helpers/fake-sidecar.js';
import { SHORT_TIMINGS, startTestPlacement, waitForTable, warned } from '../helpers/placement.js';

test('a host that stops answering pings is dropped within the host timeout', async (t) => {
  const placement = await startTestPlacement(t, SHORT_TIMINGS);
  const [a, b] = await Promise.all([0, 1].map(() => FakeSidecar.connect(t, placement.port)));
  await waitForTable([a!, b!], [a!, b!]);

  const silencedAt = Date.now();
  b!.goSilent();
  await waitForTable([a!], [a!]);
  const elapsed = Date.now() - silencedAt;
  // Detected at the first probe past the timeout: between 300 and 400 ms, plus a round trip.
  t.true(elapsed >= 250 && elapsed < 1_500, `dropped after ${elapsed} ms`);
  t.true(warned(placement, 'host timeout'));
});

test('a host whose TCP connection vanishes without a close frame is dropped', async (t) => {
  const placement = await startTestPlacement(t);
  const [a, b] = await Promise.all([0, 1].map(() => FakeSidecar.connect(t, placement.port)));
  await waitForTable([a!, b!], [a!, b!]);
  b!.terminate();
  await waitForTable([a!], [a!]);
  t.pass();
});

test('a quiet but healthy host (answering pings) stays a member past the host timeout', async (t) => {
  const placement = await startTestPlacement(t, SHORT_TIMINGS);
  const a = await FakeSidecar.connect(t, placement.port);
  await waitForTable([a], [a]);
  const version = a.committed!.version;
  const pings = a.pings;
  // A ping goes out every third of the 300 ms host timeout: ten of them span three timeouts.
  await waitUntil('ten more pings answered', () => a.pings >= pings + 10, { timeoutMs: 3_000 });
  t.is(placement.rounds.at(-1)!.version, version);
  t.false(warned(placement, 'host timeout'));
});

test('a register with a host id held by another live connection replaces it', async (t) => {
  const placement = await startTestPlacement(t);
  const other = await FakeSidecar.connect(t, placement.port);
  const first = await FakeSidecar.connect(t, placement.port, { hostId: 'same-host' });
  await waitForTable([other, first], [other, first]);

  const second = await FakeSidecar.connect(t, placement.port, { hostId: 'same-host' });
  const { code } = await first.closed;
  t.is(code, PLACEMENT_CLOSE_CODES.replaced);
  t.is(first.refusals()[0]?.code, 'PLACEMENT_REPLACED');
  t.true(warned(placement, 'replaced by a new connection'));
  await waitUntil('the new connection committed a table with the host', () => second.committed?.hostIds.includes('same-host') === true);
  await waitForTable([other, second], [other, second]);
  t.deepEqual(placement.state().namespaces['']!.hosts.map((h) => h.hostId).sort(), [other.hostId, 'same-host'].sort());
});
