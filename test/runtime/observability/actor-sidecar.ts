import type { ExecutionContext } from 'ava';
import { startActorApp, type ActorApp } from '../../harness/actor-app.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { uniqueId } from '../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

/** A sidecar hosting `type` for a recording actor app, ready to take calls to it. */
export async function startActorSidecar(
  t: ExecutionContext,
  type: string,
  options: { files?: Record<string, string>; args?: readonly string[] } = {},
): Promise<{ app: ActorApp; sidecar: SidecarHandle }> {
  const app = await startActorApp(t, { name: uniqueId('app'), config: { entities: [type] } });
  const store = componentYaml('actorstate', 'state.in-memory', { actorStateStore: 'true' });
  const resources = await resourcesDir(t, { 'store.yaml': store, ...options.files });
  const sidecar = await startSidecar(t, { appPort: app.port, resourcesPaths: [resources], args: [...(options.args ?? [])] });
  await waitUntil('the sidecar hosts the actor type', () => sidecar.output().includes('hosting actor types'), { timeoutMs: 30_000 });
  return { app, sidecar };
}

export function callActor(sidecar: SidecarHandle, type: string, id: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sidecar.url}/v1.0/actors/${type}/${id}/method/incr`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
}
