import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { ResyncGate } from '../../../placement/src/disseminator/resync.js';
import { FakeSidecar } from '../helpers/fake-sidecar.js';
import { startTestPlacement, waitForTable, warned } from '../helpers/placement.js';

test('ResyncGate is open for a fresh cluster and waits for every host a lastTable names', (t) => {
  const fresh = new ResyncGate();
  fresh.registered('a', undefined);
  t.true(fresh.isOpen());

  const restarted = new ResyncGate();
  restarted.registered('a', { version: 7, hostIds: ['a', 'b', 'c'] });
  t.false(restarted.isOpen());
  t.deepEqual(restarted.missing(), ['b', 'c']);
  restarted.registered('b', { version: 7, hostIds: ['a', 'b', 'c'] });
  restarted.registered('c', undefined);
  t.true(restarted.isOpen());
});

test('after a restart the first round waits until every host of the last table registered', async (t) => {
  const placement = await startTestPlacement(t, { resyncGraceMs: 10_000 });
  const lastTable = { version: 42, hostIds: ['h1', 'h2', 'h3'] };
  const h1 = await FakeSidecar.connect(t, placement.port, { hostId: 'h1', lastTable });
  const h2 = await FakeSidecar.connect(t, placement.port, { hostId: 'h2', lastTable });
  await waitUntil('the placement logged that it waits', () => placement.log.some((l) => l.msg === 'first round waits for hosts of the last table'));
  t.is(h1.prepares().length + h2.prepares().length, 0, 'no half-empty table while h3 is missing');

  const h3 = await FakeSidecar.connect(t, placement.port, { hostId: 'h3', lastTable });
  await waitForTable([h1, h2, h3], [h1, h2, h3]);
  t.is(h1.prepares().length, 1, 'one round, with everyone');
});

test('after a restart the first round goes ahead without missing hosts once the grace is over', async (t) => {
  const placement = await startTestPlacement(t, { resyncGraceMs: 300 });
  const started = Date.now();
  const h1 = await FakeSidecar.connect(t, placement.port, { hostId: 'h1', lastTable: { version: 42, hostIds: ['h1', 'gone'] } });
  await waitForTable([h1], [h1]);
  const elapsed = Date.now() - started;
  t.true(elapsed >= 280, `first round after ${elapsed} ms`);
  t.true(warned(placement, 'resync grace over'));
});

test('the resync grace defaults to the host timeout', async (t) => {
  const placement = await startTestPlacement(t, { hostTimeoutMs: 400 });
  const started = Date.now();
  const h1 = await FakeSidecar.connect(t, placement.port, { hostId: 'h1', lastTable: { version: 1, hostIds: ['h1', 'gone'] } });
  await waitForTable([h1], [h1]);
  t.true(Date.now() - started >= 380);
});
