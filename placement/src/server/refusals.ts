import type { ProtocolErrorCode } from '../protocol/index.js';

/**
 * Why the placement closed a sidecar's connection. The `refused` message sent just before the
 * close carries one of these codes; the close frame carries one of PLACEMENT_CLOSE_CODES.
 */
export type RefusalCode =
  | ProtocolErrorCode
  /** No `register` within `registrationTimeoutMs` of opening. */
  | 'PLACEMENT_REGISTRATION_TIMEOUT'
  /** A phase of a round was not acked within `disseminationTimeoutMs`; the host was removed. */
  | 'PLACEMENT_ACK_TIMEOUT'
  /** Another connection registered the same host id; the newer one wins. */
  | 'PLACEMENT_REPLACED'
  /** With mutual TLS: the certificate names no sidecar of this trust domain, or not the one registered. */
  | 'PLACEMENT_UNAUTHENTICATED';

/**
 * Websocket close codes the placement uses. A host that missed pings (`hostTimeoutMs`) gets
 * no close frame at all: its connection is terminated, since it would not read one.
 */
export const PLACEMENT_CLOSE_CODES = {
  /** The placement is shutting down: reconnect, keep the last table meanwhile. */
  shuttingDown: 1001,
  /** The sidecar broke the protocol, or did not register in time (RFC 6455 "policy violation"). */
  protocolViolation: 1008,
  /** Another connection registered the same host id. */
  replaced: 4001,
  /** Evicted for not acking a phase in time: reconnect and register again. */
  ackTimeout: 4002,
} as const;
