import type { ExecutionContext } from 'ava';
import { startActorApp, type ActorApp, type ActorEvent } from '../../harness/actor-app.js';
import { waitUntil } from '../../harness/eventually.js';
import { uniqueId } from '../../harness/ids.js';
import { startPlacementProcess, type PlacementHandle } from '../../harness/placement.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

export interface ActorHost {
  readonly app: ActorApp;
  readonly sidecar: SidecarHandle;
}

export interface ActorCluster {
  readonly placement: PlacementHandle;
  readonly hosts: ActorHost[];
  readonly events: ActorEvent[];
  /** Adds a host of the same app and waits until every ring includes it. */
  addHost(): Promise<ActorHost>;
}

interface RingState {
  namespaces: Record<string, { version: number; rings: Array<{ actorType: string; hosts: string[] }> }>;
}

/** A placement and `size` sidecars of one app id hosting `config.entities`. */
export async function startActorCluster(t: ExecutionContext, size: number, config: Record<string, unknown>, sidecarArgs: string[] = []): Promise<ActorCluster> {
  const placement = await startPlacementProcess(t, ['--host-timeout', '1s']);
  const appId = uniqueId('actors');
  const events: ActorEvent[] = [];
  const hosts: ActorHost[] = [];
  const types = config['entities'] as string[];
  const addHost = async (): Promise<ActorHost> => {
    const app = await startActorApp(t, { name: `host-${hosts.length}`, config }, events);
    const sidecar = await startSidecar(t, { appId, appPort: app.port, placement: placement.address, args: sidecarArgs });
    app.options.sidecarUrl = sidecar.url;
    const host = { app, sidecar };
    hosts.push(host);
    await ringsHave(placement, types, hosts.length);
    return host;
  };
  for (let i = 0; i < size; i++) await addHost();
  return { placement, hosts, events, addHost };
}

export async function ringsHave(placement: PlacementHandle, types: readonly string[], hostCount: number): Promise<void> {
  await waitUntil(`every ring has ${hostCount} hosts`, async () => {
    const state = await placement.state<RingState>();
    const rings = state.namespaces['default']?.rings ?? [];
    return types.every((type) => rings.find((r) => r.actorType === type)?.hosts.length === hostCount);
  }, { timeoutMs: 15_000, intervalMs: 50 });
}

export async function callActor(sidecar: SidecarHandle, type: string, id: string, method: string, body: unknown = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${sidecar.url}/v1.0/actors/${type}/${id}/method/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** Per actor, the apps it was activated on and whether two activations ever overlapped. */
export function activationIntervals(events: readonly ActorEvent[]): Map<string, Array<{ app: string; from: number; to: number }>> {
  const intervals = new Map<string, Array<{ app: string; from: number; to: number }>>();
  const open = new Map<string, { app: string; from: number }>();
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    const key = `${e.app}|${e.actor}`;
    if (e.kind === 'activate') open.set(key, { app: e.app, from: e.at });
    if (e.kind === 'deactivate' && open.has(key)) {
      const list = intervals.get(e.actor) ?? [];
      list.push({ ...open.get(key)!, to: e.at });
      intervals.set(e.actor, list);
      open.delete(key);
    }
  }
  for (const [key, o] of open) {
    const actor = key.slice(key.indexOf('|') + 1);
    const list = intervals.get(actor) ?? [];
    list.push({ ...o, to: Infinity });
    intervals.set(actor, list);
  }
  return intervals;
}

export function overlaps(list: ReadonlyArray<{ from: number; to: number }>): boolean {
  const sorted = [...list].sort((a, b) => a.from - b.from);
  return sorted.some((iv, i) => i > 0 && iv.from < sorted[i - 1]!.to);
}
