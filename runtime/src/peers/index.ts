/**
 * Peer links: the persistent, multiplexed sidecar-to-sidecar connections (websocket frames of
 * the shared msgpack protocol from @outrigger/placement). `startPeerServer` serves this
 * sidecar's peer endpoint and hands each request to a PeerHandler with the caller's identity
 * from the link's hello; `createPeerPool` keeps one link per peer address for outgoing calls.
 * What a request means (service invocation, later actors) is for the handler, not this module.
 * With mutual TLS (`tls` on both) links are wss, and a caller's identity is its certificate's.
 */
export { startPeerServer } from './server.js';
export type { PeerServer, PeerServerOptions } from './server.js';
export type { PeerHandler, PeerReply } from './inbound-link.js';
export { createPeerPool } from './pool.js';
export type { PeerPool, PeerPoolOptions } from './pool.js';
export type { PeerRequest } from './outbound-link.js';
export type { PeerIdentity } from './identity.js';
export { PEER_LIMIT_DEFAULTS } from './limits.js';
export type { PeerLimits } from './limits.js';
export { PeerError, PeerFailureError, PeerUnavailableError } from './errors.js';
export type { PeerErrorCode } from './errors.js';
