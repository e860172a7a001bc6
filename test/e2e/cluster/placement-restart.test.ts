/** The placement goes away and comes back: sidecars keep serving, then resync. */
import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { http } from '../../harness/http.js';
import { uniqueId } from '../../harness/ids.js';
import { startPlacementProcess } from '../../harness/placement.js';
import { freePortForTest } from '../../harness/ports.js';
import { startSidecar } from '../../harness/sidecar.js';
import { member, settled, tableVersionOf } from './cluster-helpers.js';

test('invocations keep working while the placement is down, and the cluster resyncs when it is back', async (t) => {
  const port = await freePortForTest();
  const first = await startPlacementProcess(t, ['--host-timeout', '1s'], port);
  const [serverId, clientId] = [uniqueId('server'), uniqueId('client')];
  const server = await member(t, first, serverId);
  const client = await startSidecar(t, { appId: clientId, placement: first.address });
  const before = await settled(first, [server.sidecar, client], [serverId, clientId]);

  await first.stop('SIGKILL');
  await waitUntil('the sidecar noticed', async () => {
    const body = (await http('GET', `${client.url}/v1.0/metadata`)).json<{ actorRuntime: { placement: string } }>();
    return body.actorRuntime.placement === 'placement: disconnected';
  });
  for (let i = 0; i < 5; i++) {
    const res = await http('GET', `${client.url}/v1.0/invoke/${serverId}/method/ping`);
    t.is(res.status, 200, 'served from the last table');
  }
  t.is(await tableVersionOf(client), before);

  const second = await startPlacementProcess(t, ['--host-timeout', '1s'], port);
  const after = await settled(second, [server.sidecar, client], [serverId, clientId]);
  t.true(after > before, 'a restarted placement never reuses a version');
  t.is((await http('GET', `${client.url}/v1.0/invoke/${serverId}/method/ping`)).text, `${serverId}:/ping`);
});
