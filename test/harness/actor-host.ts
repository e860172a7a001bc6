import type { ActorHost, ActorHostOptions } from '../../sdk/src/index.js';
import { startAppServer, type ServedApp } from './app-server.js';
import type { Owner } from './cleanup.js';
import type { SidecarStart } from './sidecar.js';

/** As ServedApp, with the server named for what it hosts here. */
export interface HostedActors extends Omit<ServedApp, 'server'> {
  readonly host: ActorHost;
}

/** An SDK ActorHost in the test process with a real sidecar in front of it (see startAppServer). */
export async function startHostedActors(
  t: Owner,
  register: (host: ActorHost) => void,
  options: Omit<ActorHostOptions, 'client'> = {},
  sidecar: SidecarStart = {},
): Promise<HostedActors> {
  const { server, ...rest } = await startAppServer(t, register, options, sidecar);
  return { host: server, ...rest };
}
