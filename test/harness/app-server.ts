import { AppServer, OutriggerClient, type AppServerOptions } from '../../sdk/src/index.js';
import type { Owner } from './cleanup.js';
import { freePortForTest } from './ports.js';
import { startSidecar, type SidecarHandle, type SidecarStart } from './sidecar.js';

export interface ServedApp {
  readonly server: AppServer;
  readonly sidecar: SidecarHandle;
  /** A client of the sidecar for the test's own calls. */
  readonly client: OutriggerClient;
}

/**
 * An SDK AppServer in the test process with a real sidecar in front of it. The server's client
 * needs the sidecar's port before the sidecar starts (the sidecar reads `/dapr/config` and
 * `/dapr/subscribe` as soon as the app listens), so the sidecar gets a port picked here.
 * Resolves once the sidecar runs the server's subscriptions.
 */
export async function startAppServer(
  t: Owner,
  setup: (server: AppServer) => void,
  options: Omit<AppServerOptions, 'client'> = {},
  sidecar: SidecarStart = {},
): Promise<ServedApp> {
  const sidecarPort = await freePortForTest();
  const server = new AppServer({ ...options, client: new OutriggerClient({ port: sidecarPort }) });
  setup(server);
  const appPort = await server.listen(0);
  t.teardown(async () => {
    await server.close();
    await server.client.close();
  });
  const handle = await startSidecar(t, { ...sidecar, appPort, args: [...(sidecar.args ?? []), '--dapr-http-port', String(sidecarPort)] });
  const client = new OutriggerClient({ port: handle.port });
  t.teardown(() => client.close());
  // A broker without history (pubsub.in-memory) loses what is published before this.
  if (server.subscriptions.length > 0) await server.waitUntilSubscribed();
  return { server, sidecar: handle, client };
}
