/**
 * @outrigger/placement: the service that makes a set of sidecars one cluster. It exports the
 * wire protocol and the placement table, which the runtime shares, and the placement server.
 */
export * from './protocol/index.js';
export * from './table/index.js';
export { startPlacement } from './placement.js';
export type { Placement } from './placement.js';
export { createPlacementMetrics, startMetricsServer } from './metrics/index.js';
export type { MetricsServer } from './metrics/index.js';
export { PLACEMENT_DEFAULTS } from './options.js';
export type { PlacementClock, PlacementLogger, PlacementOptions } from './options.js';
export type { HostState, MemberEvicted, NamespaceState, PlacementEvents, PlacementState, RoundComplete } from './disseminator/index.js';
export { PLACEMENT_CLOSE_CODES, PLACEMENT_WS_PATH } from './server/index.js';
export type { RefusalCode } from './server/index.js';
export {
  DEFAULT_TRUST_DOMAIN,
  PLACEMENT_APP_ID,
  foreignIdentity,
  formatSpiffeId,
  mutualTlsServerOptions,
  parseSpiffeId,
  spiffeIdOfCertificate,
  verifiedClientIdentity,
} from './server/index.js';
export type { MutualTls, SpiffeId } from './server/index.js';

/** The port a sidecar tries when given no `--placement-host-address` (as Dapr's CLI). */
export const DEFAULT_PLACEMENT_PORT = 50005;
