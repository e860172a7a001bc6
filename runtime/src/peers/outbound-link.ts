/**
 * The calling end of one peer link: it connects, says hello and waits for the peer's, then
 * carries requests, each with an id unique on the link, and matches answers by id. When the
 * link drops, every pending request fails with PeerUnavailableError and the owner (the pool)
 * forgets the link, so the next request opens a new one.
 */
import {
  CLOSE_PROTOCOL_VIOLATION,
  PROTOCOL_VERSION,
  ProtocolError,
  type PeerRequestMessage,
  type PeerMessage,
  type PeerResponse,
  foreignIdentity,
  type MutualTls,
  type SpiffeId,
} from '@outrigger/placement';
import { WebSocket } from 'ws';
import type { Logger } from '../logging/index.js';
import { mutualTlsClientOptions } from '../tls/index.js';
import { PeerError, PeerFailureError, PeerUnavailableError } from './errors.js';
import { FrameChannel } from './frame-channel.js';
import { helloOf, identityOf, type PeerIdentity } from './identity.js';
import type { PeerLimits } from './limits.js';

/** A request as callers write it: the link adds the version, the id and the timeout. */
/** A request as a caller writes it; the link adds the version, the id and the timeout. */
export type PeerRequest = DistributiveOmit<PeerRequestMessage, 'v' | 'id' | 'timeoutMs'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface OutboundLinkContext {
  readonly self: PeerIdentity;
  readonly limits: PeerLimits;
  readonly logger: Logger;
  /** Called once, when the link is down for good. */
  readonly onClosed: () => void;
  /** Mutual TLS: wss, and the peer's hello must name its certificate's identity. */
  readonly tls?: MutualTls | undefined;
}

interface Pending {
  readonly resolve: (response: PeerResponse) => void;
  readonly reject: (error: PeerError) => void;
  readonly timer: NodeJS.Timeout;
}

/** How long a closing link may take to finish its close handshake before it is cut. */
const CLOSE_GRACE_MS = 1_000;
/** The protocol caps a request's timeout at a day. */
const MAX_WIRE_TIMEOUT_MS = 24 * 3_600_000;

export class OutboundLink {
  #nextId = 1;
  #peer: PeerIdentity | undefined;
  /** With mTLS, the identity the peer's certificate proved in the handshake. */
  #proven: SpiffeId | undefined;
  /** Set once the link is going down; every later request fails with it. */
  #downError: PeerError | undefined;
  #lastSocketError: Error | undefined;
  #awaitingPong = false;
  #keepAlive: NodeJS.Timeout | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #socket: WebSocket;
  readonly #channel: FrameChannel;
  readonly #connectTimer: NodeJS.Timeout;

  constructor(
    readonly address: string,
    private readonly context: OutboundLinkContext,
  ) {
    const { limits, logger } = context;
    this.#socket = this.#connect(context.tls);
    this.#channel = new FrameChannel(this.#socket, { ...limits, logger, onMessage: (m) => this.#onMessage(m) });
    // Requests queue behind the hello and leave with it as soon as the socket opens.
    this.#channel.send(helloOf(context.self));
    this.#connectTimer = setTimeout(() => this.#abandon(`no hello within ${limits.connectTimeoutMs} ms`), limits.connectTimeoutMs);
    this.#socket.on('open', () => this.#channel.flush());
    this.#socket.on('error', (err) => (this.#lastSocketError = err));
    this.#socket.on('pong', () => (this.#awaitingPong = false));
    this.#socket.once('close', (code, reason) => this.#onClose(code, reason.toString()));
  }

  #connect(tls: MutualTls | undefined): WebSocket {
    const options = { maxPayload: this.context.limits.maxMessageBytes, perMessageDeflate: false };
    if (!tls) return new WebSocket(`ws://${this.address}`, options);
    const check = (id: SpiffeId | undefined) => {
      this.#proven = id;
      return foreignIdentity(id, tls.trustDomain);
    };
    return new WebSocket(`wss://${this.address}`, { ...options, ...mutualTlsClientOptions(tls, check) });
  }

  request(message: PeerRequest, timeoutMs: number): Promise<PeerResponse> {
    if (this.#downError) return Promise.reject(this.#downError);
    const id = this.#nextId++;
    const wireTimeoutMs = Math.min(Math.max(1, Math.ceil(timeoutMs)), MAX_WIRE_TIMEOUT_MS);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#settle(id, this.#timedOut(timeoutMs)), timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#channel.send({ ...message, v: PROTOCOL_VERSION, id, timeoutMs: wireTimeoutMs }, (bytes) =>
        this.#settle(id, this.#tooLarge(bytes)),
      );
    });
  }

  /** Closes the link; pending requests fail with PEER_CLOSED. */
  close(): Promise<void> {
    this.#downError ??= new PeerError('PEER_CLOSED', `the link to ${this.address} was closed by this side`);
    if (this.#socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const cut = setTimeout(() => this.#socket.terminate(), CLOSE_GRACE_MS);
      this.#socket.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
      this.#socket.close(1000);
    });
  }

  #onMessage(message: PeerMessage): void {
    if (!this.#peer) return this.#greeted(message);
    if (message.kind === 'response') return this.#settle(message.id, message);
    if (message.kind === 'failure') {
      return this.#settle(message.id, new PeerFailureError(message.errorCode, message.status, message.message));
    }
    throw new ProtocolError('PROTO_OUT_OF_ORDER', `a ${message.kind} is not an answer`);
  }

  #greeted(message: PeerMessage): void {
    if (message.kind !== 'hello') throw new ProtocolError('PROTO_OUT_OF_ORDER', `expected a hello first, got ${message.kind}`);
    this.#peer = identityOf(message, this.#proven);
    clearTimeout(this.#connectTimer);
    this.#keepAlive = setInterval(() => this.#ping(), this.context.limits.keepAliveIntervalMs).unref();
  }

  /** A peer that vanished without closing (power loss, partition) is noticed by a missed pong. */
  #ping(): void {
    if (this.#awaitingPong) return this.#abandon('the peer did not answer a ping');
    this.#awaitingPong = true;
    this.#socket.ping();
  }

  #settle(id: number, outcome: PeerResponse | PeerError): void {
    const pending = this.#pending.get(id);
    // Unknown ids are answers that came after their request timed out: nobody waits for them.
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (outcome instanceof PeerError) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  #abandon(why: string): void {
    this.#lastSocketError = new Error(why);
    this.#socket.terminate();
  }

  #onClose(code: number, reason: string): void {
    clearTimeout(this.#connectTimer);
    clearInterval(this.#keepAlive);
    const error = (this.#downError ??= this.#closeError(code, reason));
    for (const id of [...this.#pending.keys()]) this.#settle(id, error);
    this.context.logger.debug({ address: this.address, code: error.code, reason: error.message }, 'peer link closed');
    this.context.onClosed();
  }

  #closeError(code: number, reason: string): PeerError {
    if (code === CLOSE_PROTOCOL_VIOLATION) {
      return new PeerError('PEER_REFUSED', `the link to ${this.address} was closed for a protocol violation: ${reason}`);
    }
    const what = this.#peer ? `the link to the peer at ${this.address} dropped` : `could not connect to the peer at ${this.address}`;
    const cause = this.#lastSocketError;
    return new PeerUnavailableError(`${what}: ${cause?.message ?? `closed with ${code} ${reason}`.trim()}`, { cause });
  }

  #timedOut(timeoutMs: number): PeerError {
    return new PeerError('PEER_TIMEOUT', `no answer from the peer at ${this.address} within ${timeoutMs} ms`);
  }

  #tooLarge(bytes: number): PeerError {
    return new PeerError('PEER_TOO_LARGE', `a request of ${bytes} bytes exceeds the peer link limit of ${this.context.limits.maxMessageBytes} bytes`);
  }
}
