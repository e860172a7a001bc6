/** With no placement address, sidecars share an embedded placement, and one takes over when its host exits. */
import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { http } from '../../harness/http.js';
import { uniqueId } from '../../harness/ids.js';
import { freePortForTest } from '../../harness/ports.js';
import { startSidecar } from '../../harness/sidecar.js';
import { actorApp } from './cluster-helpers.js';

interface Placement {
  namespaces: Record<string, { version: number; hosts: Array<{ appId: string }> }>;
}

test('two sidecars started at once form one cluster, which survives the exit of the one hosting the placement', async (t) => {
  const port = await freePortForTest();
  const ids = [uniqueId('left'), uniqueId('right')];
  const apps = await Promise.all(ids.map((id) => actorApp(t, id, ['Counter'])));
  const sidecars = await Promise.all(
    ids.map((appId, i) => startSidecar(t, { appId, appPort: apps[i]!.port, args: ['--embedded-placement-port', String(port)] })),
  );
  const hosts = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/placement/state`).catch(() => undefined);
    if (!res?.ok) return [];
    return ((await res.json()) as Placement).namespaces['default']?.hosts.map((h) => h.appId).sort() ?? [];
  };
  await waitUntil('both joined one placement', async () => JSON.stringify(await hosts()) === JSON.stringify([...ids].sort()), { timeoutMs: 15_000 });
  t.is((await http('GET', `${sidecars[0]!.url}/v1.0/invoke/${ids[1]}/method/hi`)).text, `${ids[1]}:/hi`);

  const hostIndex = sidecars[0]!.output().includes('hosting one in this sidecar') ? 0 : 1;
  t.true(sidecars[hostIndex]!.output().includes('hosting one in this sidecar'), 'one of them hosts the placement');
  const survivor = sidecars[1 - hostIndex]!;
  await sidecars[hostIndex]!.stop('SIGTERM');

  await waitUntil('the survivor hosts the placement', () => survivor.output().includes('hosting one in this sidecar'), { timeoutMs: 15_000 });
  await waitUntil('the new placement knows the survivor', async () => JSON.stringify(await hosts()) === JSON.stringify([ids[1 - hostIndex]]), {
    timeoutMs: 15_000,
  });
  t.is((await http('GET', `${survivor.url}/v1.0/invoke/${ids[1 - hostIndex]}/method/self`)).status, 200);
});
