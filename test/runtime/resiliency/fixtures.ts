/**
 * Shared setup of the resiliency tests with real sidecars: a flaky app (answers 500 while told
 * to fail, then 200; hosts the actor type `flaky` the same way) and Resiliency YAML.
 */
import type { ExecutionContext } from 'ava';
import { startApp, type FakeApp } from '../../harness/app.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { uniqueId } from '../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

export interface FlakyApp extends FakeApp {
  /** How many of the next calls fail with 500. */
  failNext(count: number): void;
  /** Calls to `path` (the method, or `actors/flaky/<id>/method/<m>`), start-up probes excluded. */
  callsTo(path: string): number;
}

/** `slow` never answers in time; anything else (actor methods, events) fails while failures are owed, then answers 200. */
export async function startFlakyApp(t: ExecutionContext): Promise<FlakyApp> {
  let owed = 0;
  const app = await startApp(t, async (req, res) => {
    if (req.url === '/dapr/config') return void res.setHeader('content-type', 'application/json').end(JSON.stringify({ entities: ['flaky'] }));
    if (req.url === '/dapr/subscribe') return void res.setHeader('content-type', 'application/json').end('[]');
    if (req.method === 'DELETE') return void res.end();
    if (req.url.endsWith('/slow')) return void setTimeout(() => res.end('late'), 30_000).unref();
    if (owed > 0) {
      owed--;
      return void res.writeHead(500).end('flaky failure');
    }
    res.end('ok');
  });
  return {
    ...app,
    failNext: (count) => void (owed = count),
    callsTo: (path) => app.calls().filter((r) => r.url.split('?')[0] === `/${path}`).length,
  };
}

export function resiliencyYaml(spec: string): string {
  return `apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: resiliency\nspec:\n${spec}`;
}

/**
 * A flaky app behind a sidecar with an in-memory actor state store, the given `policies` and the
 * `spec.targets` that `targetsFor` writes for the app's id; `files` are further resources.
 */
export async function startFlakySetup(
  t: ExecutionContext,
  policies: string,
  targetsFor: (appId: string) => string,
  files: Record<string, string> = {},
): Promise<{ app: FlakyApp; sidecar: SidecarHandle }> {
  const app = await startFlakyApp(t);
  const appId = uniqueId('flaky');
  const store = componentYaml('actorstate', 'state.in-memory', { actorStateStore: 'true' });
  const resources = await resourcesDir(t, { 'resiliency.yaml': resiliencyYaml(`${policies}  targets:\n${targetsFor(appId)}`), 'store.yaml': store, ...files });
  const sidecar = await startSidecar(t, { appId, appPort: app.port, resourcesPaths: [resources] });
  await waitUntil('the sidecar hosts the actor type', () => sidecar.output().includes('hosting actor types'), { timeoutMs: 30_000 });
  return { app, sidecar };
}
