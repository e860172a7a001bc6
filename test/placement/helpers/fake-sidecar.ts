/**
 * A scripted sidecar for placement tests: a raw `ws` client that registers and, unless told
 * otherwise, acks every prepare and commit at once. Knobs turn acking off per phase, send raw
 * bytes, or make it go silent, so each protocol rule can be broken on purpose.
 */
import { Packr } from 'msgpackr';
import WebSocket from 'ws';
import type { Socket } from 'node:net';
import {
  PROTOCOL_VERSION,
  PLACEMENT_WS_PATH,
  decode,
  encode,
  type CommitMessage,
  type HostRecord,
  type PlacementToSidecar,
  type PrepareMessage,
  type RefusedMessage,
  type RegisterMessage,
} from '../../../placement/src/index.js';
import type { Owner } from '../../harness/cleanup.js';
import { uniqueId } from '../../harness/ids.js';

export interface FakeSidecarOptions {
  readonly hostId?: string;
  readonly appId?: string;
  readonly namespace?: string;
  readonly actorTypes?: readonly string[];
  readonly lastTable?: RegisterMessage['lastTable'];
  /** Acks prepares by itself; true unless false. */
  readonly ackPrepare?: boolean;
  /** Acks commits by itself; true unless false. */
  readonly ackCommit?: boolean;
  /** Sends register as soon as it is connected; true unless false. */
  readonly register?: boolean;
}

/** The table this sidecar committed: the prepare whose commit it received. */
export interface CommittedTable {
  readonly version: number;
  readonly hostIds: readonly string[];
}

const raw = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

export class FakeSidecar {
  readonly received: PlacementToSidecar[] = [];
  committed: CommittedTable | undefined;
  /** Pings received from the placement (ws answers each with a pong by itself). */
  pings = 0;
  /** Resolves with the close code and reason once the connection is closed, by either side. */
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>;
  #host: HostRecord;

  private constructor(
    readonly ws: WebSocket,
    host: HostRecord,
    private readonly options: FakeSidecarOptions,
  ) {
    this.#host = host;
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data: Buffer) => this.#receive(data));
    ws.on('ping', () => this.pings++);
  }

  static async connect(t: Owner, port: number, options: FakeSidecarOptions = {}): Promise<FakeSidecar> {
    const hostId = options.hostId ?? uniqueId('host');
    const host: HostRecord = {
      hostId,
      appId: options.appId ?? 'app',
      namespace: options.namespace ?? '',
      address: `127.0.0.1:${10_000 + Math.floor(Math.random() * 50_000)}`,
      actorTypes: [...(options.actorTypes ?? ['Counter'])].sort(),
    };
    const ws = new WebSocket(`ws://127.0.0.1:${port}${PLACEMENT_WS_PATH}`);
    const sidecar = new FakeSidecar(ws, host, options);
    t.teardown(() => sidecar.terminate());
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    if (options.register !== false) sidecar.register();
    return sidecar;
  }

  get host(): HostRecord {
    return this.#host;
  }

  get hostId(): string {
    return this.#host.hostId;
  }

  prepares(): PrepareMessage[] {
    return this.received.filter((m): m is PrepareMessage => m.kind === 'prepare');
  }

  commits(): CommitMessage[] {
    return this.received.filter((m): m is CommitMessage => m.kind === 'commit');
  }

  refusals(): RefusedMessage[] {
    return this.received.filter((m): m is RefusedMessage => m.kind === 'refused');
  }

  /** Registers (again), optionally with a changed host record. */
  register(changes: Partial<HostRecord> = {}): void {
    this.#host = { ...this.#host, ...changes };
    const message: RegisterMessage = { kind: 'register', v: PROTOCOL_VERSION, host: this.#host, ...(this.options.lastTable ? { lastTable: this.options.lastTable } : {}) };
    this.ws.send(encode(message));
  }

  ack(phase: 'prepare' | 'commit', version: number): void {
    this.ws.send(encode({ kind: 'ack', v: PROTOCOL_VERSION, phase, version }));
  }

  /** Sends any object as msgpack, valid or not. */
  sendObject(value: unknown): void {
    this.ws.send(raw.pack(value));
  }

  sendBytes(data: Uint8Array | string): void {
    this.ws.send(data, { binary: typeof data !== 'string' });
  }

  /** Stops reading its socket: pings go unanswered and nothing it is sent is seen. */
  goSilent(): void {
    (this.ws as unknown as { _socket: Socket })._socket.pause();
  }

  async close(): Promise<void> {
    this.ws.close(1000);
    await this.closed;
  }

  terminate(): void {
    this.ws.terminate();
  }

  #receive(data: Buffer): void {
    for (const message of decode(data, 'sidecar')) {
      this.received.push(message);
      if (message.kind === 'prepare' && this.options.ackPrepare !== false) this.ack('prepare', message.version);
      if (message.kind === 'commit') this.#commit(message.version);
    }
  }

  #commit(version: number): void {
    const prepared = this.prepares().find((p) => p.version === version);
    if (prepared) this.committed = { version, hostIds: prepared.members.map((m) => m.hostId).sort() };
    if (this.options.ackCommit !== false) this.ack('commit', version);
  }
}
