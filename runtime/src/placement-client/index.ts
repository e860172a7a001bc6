/**
 * The placement client: membership and the actor table as this sidecar sees them. It registers
 * the host, takes part in two-phase table changes (pausing only actors that move), resolves
 * actor owners and app instances locally, and keeps the last table while the placement is away.
 */
export { PlacementClient } from './client.js';
export type { PlacementClientOptions, PlacementStatus, EmbeddedPlacement } from './client.js';
export { PendingMove } from './moves.js';
export { Backoff } from './backoff.js';
