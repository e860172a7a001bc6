import type { ExecutionContext } from 'ava';
import { startApp, type FakeApp } from '../../harness/app.js';
import { waitUntil } from '../../harness/eventually.js';
import { http } from '../../harness/http.js';
import type { PlacementHandle } from '../../harness/placement.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

/** An app that declares actor types in /dapr/config and answers every other call with "<name>:<path>". */
export function actorApp(t: ExecutionContext, name: string, actorTypes: string[]): Promise<FakeApp> {
  return startApp(t, (req, res) => {
    if (req.url === '/dapr/config') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ entities: actorTypes }));
      return;
    }
    res.end(`${name}:${req.url}`);
  });
}

export interface Member {
  readonly app: FakeApp;
  readonly sidecar: SidecarHandle;
}

/** A sidecar with its app, joined to `placement`. */
export async function member(t: ExecutionContext, placement: PlacementHandle, appId: string, actorTypes: string[] = ['Counter']): Promise<Member> {
  const app = await actorApp(t, appId, actorTypes);
  const sidecar = await startSidecar(t, { appId, appPort: app.port, placement: placement.address });
  return { app, sidecar };
}

export async function tableVersionOf(sidecar: SidecarHandle): Promise<number> {
  const res = await http('GET', `${sidecar.url}/v1.0/metadata`).catch(() => undefined);
  return res?.status === 200 ? (res.json<{ actorRuntime: { placementTableVersion?: number } }>().actorRuntime.placementTableVersion ?? 0) : -1;
}

/** Waits until the placement's table has exactly these hosts and every listed sidecar routes by it. */
export async function settled(placement: PlacementHandle, sidecars: readonly SidecarHandle[], appIds: readonly string[]): Promise<number> {
  let version = 0;
  await waitUntil(`the cluster settles on ${appIds.join(', ')}`, async () => {
    const ns = (await placement.state()).namespaces['default'];
    const hosts = (ns?.hosts.map((h) => h.appId) ?? []).sort();
    if (JSON.stringify(hosts) !== JSON.stringify([...appIds].sort())) return false;
    version = ns!.version;
    const versions = await Promise.all(sidecars.map(tableVersionOf));
    return versions.every((v) => v === version);
  }, { timeoutMs: 15_000, intervalMs: 50 });
  return version;
}
