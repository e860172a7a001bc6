/** The official `@dapr/dapr` client, over HTTP, pointed at one of our sidecars. */
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr';
import type { Owner } from './cleanup.js';
import type { SidecarHandle } from './sidecar.js';

/** A DaprClient for `sidecar`, stopped when `owner` cleans up. */
export function daprClientFor(owner: Owner, sidecar: SidecarHandle): DaprClient {
  const client = new DaprClient({
    daprHost: '127.0.0.1',
    daprPort: String(sidecar.port),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    logger: { level: LogLevel.Error },
  });
  owner.teardown(() => client.stop());
  return client;
}
