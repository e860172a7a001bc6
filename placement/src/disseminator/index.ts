/**
 * The disseminator: membership per namespace and the two-phase prepare/commit rounds that
 * bring every sidecar of a namespace to the same table. Each namespace is one single-owner
 * loop; connections and timers only enqueue events into it. It knows nothing of websockets:
 * the server hands it `MemberLink`s, already checked against the protocol's order rules.
 */
export { createDisseminator } from './disseminator.js';
export type { Disseminator, DisseminatorOptions } from './disseminator.js';
export type { EvictionReason, MemberEvicted, MemberLink, Phase, PlacementEvents, RoundComplete } from './events.js';
export type { HostState, NamespaceState, PlacementState } from './state.js';
