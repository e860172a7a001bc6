import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { startPlacement, type HostRecord, type MutualTls } from '@outrigger/placement';
import { freePort } from '../net/index.js';
import type { MtlsOptions, SidecarOptions } from '../config/index.js';
import { createInvokeHandler, DEFAULT_NAMESPACE, type AppChannel, type AppDirectory } from '../invoke/index.js';
import type { Logger } from '../logging/index.js';
import type { Tracing } from '../observability/index.js';
import { PlacementClient, type EmbeddedPlacement } from '../placement-client/index.js';
import { apiErrors } from '../errors/index.js';
import { createPeerPool, startPeerServer, type PeerHandler, type PeerPool, type PeerServer } from '../peers/index.js';
import type { AccessControlSpec } from '../security/index.js';
import { readCredentials, readPlacementCredentials, requireIdentity, type Credentials } from '../tls/index.js';

/** This sidecar as a member of its cluster: its peer endpoint, its placement client, its links. */
export interface ClusterMembership {
  readonly host: HostRecord;
  readonly placement: PlacementClient;
  readonly peers: PeerPool;
  /** Name resolution for service invocation, from the committed table. */
  readonly directory: AppDirectory;
  /** Who serves actor calls and timer hand-offs that peers send here (the actor runtime, once it exists). */
  serveActors(handlers: Required<Pick<PeerHandler, 'actorCall' | 'timerHandoff'>>): void;
  close(): Promise<void>;
}

export interface MembershipOptions {
  readonly options: SidecarOptions;
  readonly appChannel: AppChannel | undefined;
  readonly logger: Logger;
  /** Spans for calls that peers make to this sidecar's app. */
  readonly tracing?: Tracing;
  /** Who may invoke this sidecar's app (the Configuration's `accessControl`). */
  readonly accessControl?: AccessControlSpec | undefined;
}

/**
 * Opens the peer endpoint, then registers with the placement (the embedded one on
 * 127.0.0.1:<embeddedPlacementPort> when no address is given, hosting it if nobody does).
 */
export async function joinCluster({ options, appChannel, logger, tracing, accessControl }: MembershipOptions): Promise<ClusterMembership> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const identity = { appId: options.appId, namespace };
  let actors: Required<Pick<PeerHandler, 'actorCall' | 'timerHandoff'>> | undefined;
  const handler: PeerHandler = {
    ...createInvokeHandler({ appId: options.appId, appChannel, tracing, accessControl }),
    actorCall: (request, caller, signal) => {
      if (!actors) throw apiErrors.actorRuntimeClosed();
      return actors.actorCall(request, caller, signal);
    },
    timerHandoff: (request, caller, signal) => {
      if (!actors) throw apiErrors.actorRuntimeClosed();
      return actors.timerHandoff(request, caller, signal);
    },
  };
  const tls = options.mtls ? await ownCredentials(options.mtls, identity) : undefined;
  const { server, host } = await startPeerEndpoint(options, identity, handler, logger, tls);
  const peers = createPeerPool({ hostId: host.hostId, ...identity, tls, logger: logger.child({ component: 'peers' }) });
  const joinsEmbedded = options.placementAddresses.length === 0;
  const embedded = joinsEmbedded ? await embeddedPlacement(options, logger) : undefined;
  const placement = new PlacementClient({
    addresses: joinsEmbedded ? [`127.0.0.1:${options.embeddedPlacementPort}`] : options.placementAddresses,
    host,
    tls,
    logger: logger.child({ component: 'placement-client' }),
    ...(embedded ? { embedded } : {}),
  });
  placement.start();
  return {
    host,
    placement,
    peers,
    directory: { instancesOf: (appId, ns) => (ns === namespace ? placement.table.instancesOf(appId) : []) },
    serveActors: (handlers) => (actors = handlers),
    async close() {
      await placement.close();
      await server.close();
      await peers.close();
    },
  };
}

/** A fixed `--dapr-internal-port`, or a free one (retried if another process takes it first). */
async function startPeerEndpoint(
  options: SidecarOptions,
  identity: { appId: string; namespace: string },
  handler: PeerHandler,
  logger: Logger,
  tls: MutualTls | undefined,
): Promise<{ server: PeerServer; host: HostRecord }> {
  for (let attempt = 1; ; attempt++) {
    const port = options.internalPort || (await freePort(options.hostAddress));
    const address = `${options.hostAddress.includes(':') ? `[${options.hostAddress}]` : options.hostAddress}:${port}`;
    const hostId = `${options.appId}@${address}`;
    try {
      const server = await startPeerServer({
        host: options.hostAddress,
        port,
        hostId,
        ...identity,
        handler,
        tls,
        logger: logger.child({ component: 'peers' }),
      });
      return { server, host: { hostId, ...identity, address, actorTypes: [] } };
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || options.internalPort || attempt >= 3) throw err;
    }
  }
}

/** This sidecar's credentials, which must prove its own app id and namespace. */
async function ownCredentials(mtls: MtlsOptions, identity: { appId: string; namespace: string }): Promise<Credentials> {
  const credentials = await readCredentials(mtls.dir, mtls.trustDomain);
  requireIdentity(credentials, { trustDomain: mtls.trustDomain, ...identity }, mtls.dir);
  return credentials;
}

/**
 * The placement this sidecar may host when none answers. Under mTLS it must present the
 * placement's identity, so only a sidecar whose mTLS folder holds `placement/` credentials can
 * host it; the others only join.
 */
async function embeddedPlacement(options: SidecarOptions, logger: Logger): Promise<EmbeddedPlacement | undefined> {
  const port = options.embeddedPlacementPort;
  const placementLogger = logger.child({ component: 'placement' });
  const tls = options.mtls ? await placementCredentials(options.mtls, logger) : undefined;
  if (options.mtls && !tls) return undefined;
  return { port, start: () => startPlacement({ port, host: '127.0.0.1', logger: placementLogger, tls }) };
}

async function placementCredentials(mtls: MtlsOptions, logger: Logger): Promise<Credentials | undefined> {
  const dir = join(mtls.dir, EMBEDDED_PLACEMENT_DIR);
  const found = await access(dir).then(() => true, () => false);
  if (!found) {
    logger.info({ dir }, 'no placement credentials: this sidecar joins the embedded placement but never hosts it');
    return undefined;
  }
  return readPlacementCredentials(dir, mtls.trustDomain);
}

/** Inside a sidecar's mTLS folder: the placement's credentials, for hosting the embedded placement. */
const EMBEDDED_PLACEMENT_DIR = 'placement';
