/**
 * Why a call over a peer link got no answer. Callers decide on `code` (or on the class),
 * never on the message; only PEER_UNAVAILABLE is worth retrying.
 */
export type PeerErrorCode =
  /** No usable link: the peer refused, did not finish the handshake in time, or the link dropped. */
  | 'PEER_UNAVAILABLE'
  /** The peer closed the link for a protocol violation (another protocol version…); a retry fails the same way. */
  | 'PEER_REFUSED'
  /** No answer within the request's timeout; the peer may still run it. */
  | 'PEER_TIMEOUT'
  /** The request alone exceeds the link's message limit; it was never sent. */
  | 'PEER_TOO_LARGE'
  /** The pool was closed. */
  | 'PEER_CLOSED'
  /** The peer answered with a failure: see `errorCode` and `status`. */
  | 'PEER_FAILURE';

export class PeerError extends Error {
  override readonly name: string = 'PeerError';

  constructor(
    readonly code: PeerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The link is gone or never came up: retryable, on another instance or after a reconnect. */
export class PeerUnavailableError extends PeerError {
  override readonly name: string = 'PeerUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('PEER_UNAVAILABLE', message, options);
  }
}

/** The callee sidecar answered, but with a Dapr error (its code, HTTP status and message). */
export class PeerFailureError extends PeerError {
  override readonly name: string = 'PeerFailureError';

  constructor(
    readonly errorCode: string,
    readonly status: number,
    message: string,
  ) {
    super('PEER_FAILURE', message);
  }
}
