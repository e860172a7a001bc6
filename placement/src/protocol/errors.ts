/**
 * Why a peer's message was refused. Each code is stable: a connection closed for one of these
 * reasons logs the code, and tests assert on it.
 */
export type ProtocolErrorCode =
  /** Not msgpack, or not a map. */
  | 'PROTO_MALFORMED'
  /** Larger than the receiver's limit. */
  | 'PROTO_TOO_LARGE'
  /** A `kind` this side does not accept from that peer. */
  | 'PROTO_UNKNOWN_KIND'
  /** A field is missing or of the wrong type or range. */
  | 'PROTO_INVALID_FIELD'
  /** The peer speaks another protocol version. */
  | 'PROTO_VERSION_MISMATCH'
  /** A valid message at the wrong moment (an ack before registering, for a version never sent…). */
  | 'PROTO_OUT_OF_ORDER'
  /** With mutual TLS: the peer claims an identity its certificate does not prove. */
  | 'PROTO_UNAUTHENTICATED';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The websocket close code used when a peer breaks the protocol (RFC 6455 "policy violation"). */
export const CLOSE_PROTOCOL_VIOLATION = 1008;
