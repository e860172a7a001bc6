import { ActorHost, OutriggerClient, type ActorHostOptions } from '../../sdk/src/index.js';
import type { Owner } from './cleanup.js';
import { freePortForTest } from './ports.js';
import { startSidecar, type SidecarHandle, type SidecarStart } from './sidecar.js';

export interface HostedActors {
  readonly host: ActorHost;
  readonly sidecar: SidecarHandle;
  /** A client of the sidecar for the test's own calls (outside any actor turn). */
  readonly client: OutriggerClient;
}

/**
 * An SDK ActorHost in the test process with a real sidecar in front of it. The host's client
 * needs the sidecar's port before the sidecar starts (the sidecar reads `/dapr/config` as soon
 * as the app listens), so the sidecar gets a port picked here.
 */
export async function startHostedActors(
  t: Owner,
  register: (host: ActorHost) => void,
  options: Omit<ActorHostOptions, 'client'> = {},
  sidecar: SidecarStart = {},
): Promise<HostedActors> {
  const sidecarPort = await freePortForTest();
  const host = new ActorHost({ ...options, client: new OutriggerClient({ port: sidecarPort }) });
  register(host);
  const appPort = await host.listen(0);
  t.teardown(async () => {
    await host.close();
    await host.client.close();
  });
  const handle = await startSidecar(t, { ...sidecar, appPort, args: [...(sidecar.args ?? []), '--dapr-http-port', String(sidecarPort)] });
  const client = new OutriggerClient({ port: handle.port });
  t.teardown(() => client.close());
  return { host, sidecar: handle, client };
}
