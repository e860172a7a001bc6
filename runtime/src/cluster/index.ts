/**
 * Cluster membership: the sidecar's peer endpoint, its placement client (with the embedded
 * placement default) and its outgoing peer links, put together for the composition root.
 */
export { joinCluster } from './membership.js';
export type { ClusterMembership, MembershipOptions } from './membership.js';
