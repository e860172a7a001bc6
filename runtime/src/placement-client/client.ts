import { EventEmitter } from 'node:events';
import {
  CLOSE_PROTOCOL_VIOLATION,
  PLACEMENT_APP_ID,
  PlacementTable,
  PROTOCOL_VERSION,
  ProtocolError,
  decode,
  encode,
  foreignIdentity,
  formatSpiffeId,
  type HostRecord,
  type MutualTls,
  type PlacementToSidecar,
  type PrepareMessage,
  type SidecarToPlacement,
  type SpiffeId,
} from '@outrigger/placement';
import { WebSocket } from 'ws';
import type { Logger } from '../logging/index.js';
import { mutualTlsClientOptions } from '../tls/index.js';
import { Backoff } from './backoff.js';
import { PendingMove } from './moves.js';

export type PlacementStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

/** A placement the sidecar hosts itself when none answers (the embedded default). */
export interface EmbeddedPlacement {
  readonly port: number;
  /** Starts a placement on `port`; rejects with code EADDRINUSE when another process has it. */
  start(): Promise<{ close(): Promise<void> }>;
}

export interface PlacementClientOptions {
  /** `host:port` of each placement, tried in turn. */
  readonly addresses: readonly string[];
  readonly host: HostRecord;
  readonly logger: Logger;
  readonly embedded?: EmbeddedPlacement;
  /**
   * Mutual TLS: wss, presenting this sidecar's certificate, to a placement whose certificate the
   * CA signed for the placement's identity (app id `dapr-placement`) in the same trust domain.
   */
  readonly tls?: MutualTls | undefined;
  /** A placement that stays silent this long is treated as gone. */
  readonly hostTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
  /**
   * Called on every prepare before it is acked: stop admitting calls to the local actors that
   * move, drain and deactivate them. The table change waits for it.
   */
  readonly onPrepare?: (move: PendingMove) => Promise<void>;
}

const DEFAULTS = { hostTimeoutMs: 3000, connectTimeoutMs: 2000, reconnectMinMs: 100, reconnectMaxMs: 2000 };
const WS_PATH = '/v1/placement';

/**
 * The sidecar's side of placement: it keeps a connection to a placement (reconnecting with
 * jittered backoff, hosting an embedded one when allowed), registers this host, takes part in
 * each table change, and answers lookups from the committed table. While the placement is
 * away it keeps serving from the last table.
 */
export class PlacementClient extends EventEmitter<{ committed: [PlacementTable]; status: [PlacementStatus] }> {
  readonly #options: PlacementClientOptions & typeof DEFAULTS;
  readonly #backoff: Backoff;
  #host: HostRecord;
  #table = PlacementTable.empty();
  #pending: PendingMove | undefined;
  #status: PlacementStatus = 'connecting';
  #socket: WebSocket | undefined;
  #embedded: { close(): Promise<void> } | undefined;
  #nextAddress = 0;
  #inbox: Promise<void> = Promise.resolve();
  #stopped = false;
  #loop: Promise<void> | undefined;
  #prepareHandler: ((move: PendingMove) => Promise<void>) | undefined;

  constructor(options: PlacementClientOptions) {
    super();
    this.#options = { ...DEFAULTS, ...options };
    if (this.#options.addresses.length === 0) throw new TypeError('a placement client needs at least one placement address');
    this.#host = options.host;
    this.#prepareHandler = options.onPrepare;
    this.#backoff = new Backoff(this.#options.reconnectMinMs, this.#options.reconnectMaxMs);
  }

  get table(): PlacementTable {
    return this.#table;
  }

  get status(): PlacementStatus {
    return this.#status;
  }

  get host(): HostRecord {
    return this.#host;
  }

  /** True while this sidecar hosts the embedded placement. */
  get hostsPlacement(): boolean {
    return this.#embedded !== undefined;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Sets what a prepare waits for (the actor runtime hands away the actors that move). */
  onPrepare(handler: (move: PendingMove) => Promise<void>): void {
    this.#prepareHandler = handler;
  }

  /** Changes the registered actor types; the placement starts a table change. */
  setActorTypes(actorTypes: readonly string[]): void {
    this.#host = { ...this.#host, actorTypes: [...new Set(actorTypes)].sort() };
    if (this.#status === 'connected') this.#send(this.#registration());
  }

  /**
   * The owner of an actor by the committed table. An actor that is moving in a table change
   * under way is resolved only once that change is committed (or dropped).
   */
  async ownerOf(actorType: string, actorId: string, signal?: AbortSignal): Promise<HostRecord | undefined> {
    for (;;) {
      const pending = this.#pending;
      if (!pending || !pending.moves(actorType, actorId)) return this.#table.ownerOf(actorType, actorId);
      signal?.throwIfAborted();
      await abortable(pending.settled(), signal);
    }
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.#setStatus('closed');
    this.#socket?.close(1000, 'sidecar shutting down');
    this.#dropPending();
    await this.#loop;
    await this.#embedded?.close();
    this.#embedded = undefined;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const address = this.#options.addresses[this.#nextAddress % this.#options.addresses.length]!;
      this.#nextAddress++;
      const outcome = await this.#session(address);
      if (this.#stopped) return;
      if (outcome === 'refused' && this.#options.embedded && (await this.#tryHostingPlacement())) continue;
      await delay(this.#backoff.next());
    }
  }

  /** One connection, from dial to close. */
  async #session(address: string): Promise<'refused' | 'closed'> {
    const options = { handshakeTimeout: this.#options.connectTimeoutMs, maxPayload: 64 * 1024 * 1024 };
    const { tls } = this.#options;
    const socket = tls
      ? new WebSocket(`wss://${address}${WS_PATH}`, { ...options, ...mutualTlsClientOptions(tls, (id) => this.#placementRefusal(address, id, tls)) })
      : new WebSocket(`ws://${address}${WS_PATH}`, options);
    this.#socket = socket;
    return new Promise((resolve) => {
      let opened = false;
      let alive = Date.now();
      const heartbeat = setInterval(() => {
        if (Date.now() - alive > this.#options.hostTimeoutMs) socket.terminate();
        else if (socket.readyState === WebSocket.OPEN) socket.ping();
      }, this.#options.hostTimeoutMs / 3);
      socket.on('open', () => {
        opened = true;
        this.#setStatus('connected');
        this.#backoff.reset();
        this.#options.logger.info({ placement: address }, 'connected to placement');
        this.#send(this.#registration());
      });
      socket.on('pong', () => (alive = Date.now()));
      socket.on('message', (data, isBinary) => {
        alive = Date.now();
        this.#receive(socket, data as Buffer, isBinary);
      });
      socket.on('error', (err) => this.#connectionError(address, err));
      socket.on('close', (code, reason) => {
        clearInterval(heartbeat);
        if (opened) this.#options.logger.warn({ placement: address, code, reason: reason.toString() }, 'lost the placement connection; serving from the last table');
        this.#dropPending();
        if (!this.#stopped) this.#setStatus('disconnected');
        resolve(opened ? 'closed' : 'refused');
      });
    });
  }

  /** A TLS alert means the placement refused this sidecar's certificate: worth a warning. */
  #connectionError(address: string, err: Error & { code?: string }): void {
    const refused = err.code?.startsWith('ERR_SSL_') ?? false;
    const log = { placement: address, err: err.message };
    if (refused) this.#options.logger.warn(log, 'the placement refused this sidecar\'s certificate');
    else this.#options.logger.debug(log, 'placement connection error');
  }

  /** Why the server at `address` is not the placement (logged: the socket error is only debug). */
  #placementRefusal(address: string, id: SpiffeId | undefined, tls: MutualTls): string | undefined {
    const refusal = foreignIdentity(id, tls.trustDomain) ?? (id?.appId === PLACEMENT_APP_ID ? undefined : `${formatSpiffeId(id!)} is not the placement`);
    if (refusal) this.#options.logger.warn({ placement: address }, `refused the placement's certificate: ${refusal}`);
    return refusal;
  }

  #receive(socket: WebSocket, data: Buffer, isBinary: boolean): void {
    let messages: PlacementToSidecar[];
    try {
      if (!isBinary) throw new ProtocolError('PROTO_MALFORMED', 'text frames are not part of the protocol');
      messages = decode(data, 'sidecar');
    } catch (err) {
      const code = err instanceof ProtocolError ? err.code : 'PROTO_MALFORMED';
      this.#options.logger.error({ code, err: (err as Error).message }, 'placement sent an invalid message; reconnecting');
      socket.close(CLOSE_PROTOCOL_VIOLATION, code);
      return;
    }
    // One message at a time, in order: a prepare's drain finishes before the next is looked at.
    for (const message of messages) {
      this.#inbox = this.#inbox
        .then(() => this.#handle(socket, message))
        .catch((err: Error) => this.#options.logger.error({ err: err.message }, 'failed to handle a placement message'));
    }
  }

  async #handle(socket: WebSocket, message: PlacementToSidecar): Promise<void> {
    if (socket !== this.#socket || socket.readyState !== WebSocket.OPEN) return;
    switch (message.kind) {
      case 'prepare':
        return this.#prepare(message);
      case 'commit':
        return this.#commit(socket, message.version);
      case 'refused':
        this.#options.logger.error({ code: message.code }, `placement refused this sidecar: ${message.reason}`);
        return;
      default:
        assertNever(message);
    }
  }

  async #prepare(message: PrepareMessage): Promise<void> {
    if (message.version <= this.#table.version) {
      this.#options.logger.warn({ version: message.version, committed: this.#table.version }, 'ignoring a prepare older than the committed table');
      return;
    }
    this.#pending?.settle();
    const move = new PendingMove(this.#table, PlacementTable.build(message.version, message.replicationFactor, message.members));
    this.#pending = move;
    try {
      await this.#prepareHandler?.(move);
    } catch (err) {
      this.#options.logger.error({ version: move.version, err: (err as Error).message }, 'draining for a table change failed; acking anyway');
    }
    if (this.#pending === move) this.#send({ kind: 'ack', v: PROTOCOL_VERSION, phase: 'prepare', version: move.version });
  }

  #commit(socket: WebSocket, version: number): void {
    const move = this.#pending;
    if (!move || move.version !== version) {
      this.#options.logger.error({ version, prepared: move?.version }, 'placement committed a table this sidecar did not prepare; reconnecting');
      socket.close(CLOSE_PROTOCOL_VIOLATION, 'PROTO_OUT_OF_ORDER');
      return;
    }
    this.#table = move.to;
    this.#pending = undefined;
    move.settle();
    this.#send({ kind: 'ack', v: PROTOCOL_VERSION, phase: 'commit', version });
    this.emit('committed', this.#table);
  }

  #registration(): SidecarToPlacement {
    const last = this.#table.version > 0 ? { lastTable: { version: this.#table.version, hostIds: this.#table.members.map((m) => m.hostId) } } : {};
    return { kind: 'register', v: PROTOCOL_VERSION, host: this.#host, ...last };
  }

  #send(message: SidecarToPlacement): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(encode(message));
  }

  #dropPending(): void {
    this.#pending?.settle();
    this.#pending = undefined;
  }

  #setStatus(status: PlacementStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.emit('status', status);
  }

  /** Binding the port decides which sidecar hosts the placement; the others connect to it. */
  async #tryHostingPlacement(): Promise<boolean> {
    if (this.#embedded || !this.#options.embedded) return false;
    try {
      this.#embedded = await this.#options.embedded.start();
      this.#options.logger.info({ port: this.#options.embedded.port }, 'no placement answered; hosting one in this sidecar');
      return true;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE') {
        this.#options.logger.warn({ err: (err as Error).message }, 'could not host the embedded placement');
      }
      return false;
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function assertNever(value: never): never {
  throw new Error(`unexpected message ${JSON.stringify(value)}`);
}
