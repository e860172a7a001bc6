import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import type { Disseminator, EvictionReason, MemberLink } from '../disseminator/index.js';
import type { PlacementClock, PlacementLogger } from '../options.js';
import {
  PROTOCOL_VERSION,
  ProtocolError,
  decode,
  encode,
  type AckMessage,
  type CommitMessage,
  type PrepareMessage,
  type RegisterMessage,
  type SidecarToPlacement,
} from '../protocol/index.js';
import { PLACEMENT_APP_ID, foreignIdentity, formatSpiffeId, type SpiffeId } from './mtls.js';
import { PLACEMENT_CLOSE_CODES, type RefusalCode } from './refusals.js';
import { SentVersions } from './sent-versions.js';

export interface ConnectionOptions {
  readonly maxMessageBytes: number;
  readonly registrationTimeoutMs: number;
  readonly clock: PlacementClock;
  readonly logger: PlacementLogger;
  /** With mutual TLS, every host must prove its identity with its certificate. */
  readonly tls?: { readonly trustDomain: string } | undefined;
}

/** The other end of a connection: its address, and the identity its certificate proved. */
export interface ConnectionPeer {
  readonly remote: string;
  readonly identity: SpiffeId | undefined;
}

const EVICTIONS: Record<EvictionReason, { readonly code: RefusalCode; readonly closeCode: number }> = {
  'ack timeout': { code: 'PLACEMENT_ACK_TIMEOUT', closeCode: PLACEMENT_CLOSE_CODES.ackTimeout },
  'replaced by a new connection': { code: 'PLACEMENT_REPLACED', closeCode: PLACEMENT_CLOSE_CODES.replaced },
};

let nextId = 1;

/**
 * A round sends the same message object to every member; it is encoded once, not once per
 * member (a prepare of a 100-host namespace is ~10 KB).
 */
const frames = new WeakMap<PrepareMessage | CommitMessage, Buffer>();

function frameOf(message: PrepareMessage | CommitMessage): Buffer {
  let frame = frames.get(message);
  if (!frame) {
    frame = encode(message);
    frames.set(message, frame);
  }
  return frame;
}

/**
 * One sidecar's websocket. It decodes every frame, enforces the order rules (register first
 * and once per host, acks only for versions this connection was sent), and reports what is
 * left to the disseminator. Any violation is answered with `refused` and a 1008 close: only
 * this connection pays for it.
 */
export class HostConnection implements MemberLink {
  readonly id = nextId++;
  #registration: { readonly hostId: string; readonly namespace: string } | undefined;
  #lastSeenEpoch: number;
  #lastSeenMono = performance.now();
  readonly #sent = { prepare: new SentVersions(), commit: new SentVersions() };
  /** Set once the disseminator has been told this host is gone; nothing more is reported. */
  #detached = false;
  readonly #registrationTimer: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    private readonly peer: ConnectionPeer,
    private readonly options: ConnectionOptions,
    private readonly disseminator: Disseminator,
  ) {
    this.#lastSeenEpoch = options.clock.now();
    this.#registrationTimer = setTimeout(() => this.#registrationTimedOut(), options.registrationTimeoutMs);
    ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    ws.on('pong', () => this.#touch());
    ws.on('close', (code) => this.#detach(`connection closed (${code})`));
    ws.on('error', (err) => this.options.logger.debug({ err, connection: this.id }, 'placement connection error'));
    const unproven = options.tls ? unprovenHost(peer.identity, options.tls.trustDomain) : undefined;
    if (unproven) this.#refuse('PLACEMENT_UNAUTHENTICATED', unproven, PLACEMENT_CLOSE_CODES.protocolViolation);
  }

  send(message: PrepareMessage | CommitMessage): void {
    if (this.#detached) return;
    this.#sent[message.kind].record(message.version);
    this.ws.send(frameOf(message));
  }

  evict(reason: EvictionReason): void {
    const { code, closeCode } = EVICTIONS[reason];
    this.#refuse(code, reason, closeCode);
  }

  lastSeen(): number {
    return this.#lastSeenEpoch;
  }

  /** Called every third of the host timeout: drops a silent connection, else pings it. */
  probe(hostTimeoutMs: number): void {
    if (this.#detached) return;
    const silentMs = performance.now() - this.#lastSeenMono;
    if (silentMs <= hostTimeoutMs) return this.ws.ping();
    this.#log().warn({ silentMs: Math.round(silentMs), hostTimeoutMs }, 'dropping a connection: host timeout');
    this.#detach('host timeout');
    this.ws.terminate();
  }

  /** The placement closes: sidecars reconnect, keeping their table meanwhile. */
  shutdown(): void {
    this.#detach('placement shutting down');
    this.ws.close(PLACEMENT_CLOSE_CODES.shuttingDown, 'placement shutting down');
  }

  #receive(data: RawData, isBinary: boolean): void {
    if (this.#detached) return;
    this.#touch();
    try {
      if (!isBinary) throw new ProtocolError('PROTO_MALFORMED', 'text frames are not accepted; messages are binary msgpack');
      for (const message of decode(toBuffer(data), 'placement', this.options.maxMessageBytes)) this.#accept(message);
    } catch (err) {
      // Whatever a peer sends must never take the placement down: anything unexpected that
      // decoding throws is still that peer's malformed input.
      const refusal = err instanceof ProtocolError ? err : new ProtocolError('PROTO_MALFORMED', `unreadable message: ${String(err)}`);
      this.#refuse(refusal.code, refusal.message, PLACEMENT_CLOSE_CODES.protocolViolation);
    }
  }

  #accept(message: SidecarToPlacement): void {
    if (this.#detached) return; // an earlier message of the same batch was refused
    if (message.kind === 'register') this.#register(message);
    else this.#ack(message);
  }

  #register(message: RegisterMessage): void {
    const { hostId, namespace } = message.host;
    const mismatch = this.options.tls ? claimMismatch(this.peer.identity, message) : undefined;
    if (mismatch) return this.#refuse('PLACEMENT_UNAUTHENTICATED', mismatch, PLACEMENT_CLOSE_CODES.protocolViolation);
    const registered = this.#registration;
    if (registered && (registered.hostId !== hostId || registered.namespace !== namespace)) {
      const was = `${registered.hostId} in namespace ${JSON.stringify(registered.namespace)}`;
      throw new ProtocolError('PROTO_OUT_OF_ORDER', `this connection registered ${was}; one connection serves one host`);
    }
    clearTimeout(this.#registrationTimer);
    this.#registration = { hostId, namespace };
    this.disseminator.registered(this, message);
  }

  #ack(message: AckMessage): void {
    const registered = this.#registration;
    if (!registered) throw new ProtocolError('PROTO_OUT_OF_ORDER', 'an ack before register');
    const sent = this.#sent[message.phase].check(message.version);
    if (sent === 'never') {
      throw new ProtocolError('PROTO_OUT_OF_ORDER', `an ack of ${message.phase} ${message.version}, which this connection was never sent`);
    }
    if (sent === 'forgotten') return;
    this.disseminator.acked(this, registered.hostId, registered.namespace, message);
  }

  #registrationTimedOut(): void {
    const reason = `no register within ${this.options.registrationTimeoutMs} ms of connecting`;
    this.#refuse('PLACEMENT_REGISTRATION_TIMEOUT', reason, PLACEMENT_CLOSE_CODES.protocolViolation);
  }

  #refuse(code: RefusalCode, reason: string, closeCode: number): void {
    if (this.#detached) return;
    this.#log().warn({ code, reason }, `closing a connection: ${reason}`);
    this.#detach(reason);
    this.ws.send(encode({ kind: 'refused', v: PROTOCOL_VERSION, code, reason }));
    this.ws.close(closeCode, code);
  }

  /** Tells the disseminator, once, that this host is gone (if it ever registered). */
  #detach(reason: string): void {
    if (this.#detached) return;
    this.#detached = true;
    clearTimeout(this.#registrationTimer);
    const registered = this.#registration;
    if (registered) this.disseminator.disconnected(this, registered.hostId, registered.namespace, reason);
  }

  #touch(): void {
    this.#lastSeenMono = performance.now();
    this.#lastSeenEpoch = this.options.clock.now();
  }

  #log(): PlacementLogger {
    const { logger } = this.options;
    const context = { connection: this.id, remote: this.peer.remote, hostId: this.#registration?.hostId };
    return {
      debug: (obj, msg) => logger.debug({ ...context, ...obj }, msg),
      info: (obj, msg) => logger.info({ ...context, ...obj }, msg),
      warn: (obj, msg) => logger.warn({ ...context, ...obj }, msg),
      error: (obj, msg) => logger.error({ ...context, ...obj }, msg),
    };
  }
}

/** Why a certificate cannot stand for any host of `trustDomain`; undefined when it can. */
function unprovenHost(identity: SpiffeId | undefined, trustDomain: string): string | undefined {
  const foreign = foreignIdentity(identity, trustDomain);
  if (foreign) return foreign;
  if (identity?.appId === PLACEMENT_APP_ID) return `${formatSpiffeId(identity)} is the placement's identity, not a sidecar's`;
  return undefined;
}

/** A host registers only as the app id and namespace its certificate names. */
function claimMismatch(identity: SpiffeId | undefined, message: RegisterMessage): string | undefined {
  const { appId, namespace } = message.host;
  if (identity?.appId === appId && identity.namespace === namespace) return undefined;
  const proven = identity ? formatSpiffeId(identity) : 'no identity';
  return `registered app id ${JSON.stringify(appId)} in namespace ${JSON.stringify(namespace)}, but its certificate is ${proven}`;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
