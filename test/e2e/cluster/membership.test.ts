/** A placement and three sidecars as separate processes: join, leave, crash, freeze. */
import test from 'ava';
import { uniqueId } from '../../harness/ids.js';
import { startPlacementProcess } from '../../harness/placement.js';
import { ringsHave } from '../actors/actor-cluster.js';
import { member, settled, tableVersionOf } from './cluster-helpers.js';

test('three sidecars join one table; a graceful leave and a kill -9 each update every table', async (t) => {
  const placement = await startPlacementProcess(t, ['--host-timeout', '1s']);
  const [a, b, c] = [uniqueId('a'), uniqueId('b'), uniqueId('c')];
  const members = await Promise.all([member(t, placement, a), member(t, placement, b), member(t, placement, c)]);
  const sidecars = members.map((m) => m.sidecar);
  // Each sidecar registers first, then again with its app's actor types: wait for both.
  await ringsHave(placement, ['Counter'], 3);
  const joined = await settled(placement, sidecars, [a, b, c]);

  await members[2]!.sidecar.stop('SIGTERM');
  const afterLeave = await settled(placement, sidecars.slice(0, 2), [a, b]);
  t.true(afterLeave > joined, 'the table version only grows');

  await members[1]!.sidecar.stop('SIGKILL');
  const afterCrash = await settled(placement, sidecars.slice(0, 1), [a]);
  t.true(afterCrash > afterLeave);
});

test('a frozen sidecar is dropped within the host timeout and the others move on', async (t) => {
  const placement = await startPlacementProcess(t, ['--host-timeout', '1s']);
  const [a, b] = [uniqueId('a'), uniqueId('b')];
  const members = await Promise.all([member(t, placement, a), member(t, placement, b)]);
  await settled(placement, members.map((m) => m.sidecar), [a, b]);

  const frozen = members[1]!.sidecar.process;
  frozen.kill('SIGSTOP');
  t.teardown(() => void frozen.kill('SIGCONT'));
  const started = Date.now();
  await settled(placement, [members[0]!.sidecar], [a]);
  t.true(Date.now() - started < 5000, `dropped after ${Date.now() - started} ms`);
  t.true((await tableVersionOf(members[0]!.sidecar)) > 0);
});
