import type { HttpCall } from '@outrigger/placement';
/**
 * Shared setup of the peer link tests: recording loggers, in-process servers and pools that
 * close when the test ends, requests, and a raw websocket client that speaks bytes.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { PROTOCOL_VERSION, encode, decode, type PeerMessage } from '@outrigger/placement';
import { pino, type Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  createPeerPool,
  startPeerServer,
  type PeerHandler,
  type PeerPool,
  type PeerPoolOptions,
  type PeerRequest,
  type PeerServer,
  type PeerServerOptions,
} from '../../../runtime/src/peers/index.js';
import type { Owner } from '../../harness/cleanup.js';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly code?: string;
  readonly reason?: string;
}

/** A debug-level logger whose lines the test can read. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

export const silent = pino({ level: 'silent' });

/** A handler that answers every request with what it received, as JSON plus the raw body. */
export const echo: PeerHandler = {
  async invoke(request, caller) {
    const { call } = request;
    return {
      status: 200,
      headers: { 'x-echo-caller': caller.appId, 'x-echo-verb': call.verb, 'x-echo-path': call.path, 'x-echo-query': call.query },
      body: call.body,
    };
  },
};

export async function startServer(
  t: Owner,
  handler: PeerHandler = echo,
  options: Partial<PeerServerOptions> = {},
): Promise<PeerServer & { address: string }> {
  const server = await startPeerServer({
    host: '127.0.0.1',
    port: 0,
    hostId: 'callee-host',
    appId: 'callee',
    namespace: 'default',
    handler,
    logger: silent,
    ...options,
  });
  t.teardown(() => server.close());
  return Object.assign(server, { address: `127.0.0.1:${server.port}` });
}

export function startPool(t: Owner, options: Partial<PeerPoolOptions> = {}): PeerPool {
  const pool = createPeerPool({ hostId: 'caller-host', appId: 'caller', namespace: 'default', logger: silent, ...options });
  t.teardown(() => pool.close());
  return pool;
}

export function invoke(overrides: Partial<HttpCall> = {}, appId = 'callee'): PeerRequest {
  return {
    kind: 'invoke',
    appId,
    call: { verb: 'POST', path: 'orders', query: '', headers: {}, body: new Uint8Array(), ...overrides },
  };
}

export function hello(appId = 'raw', v = PROTOCOL_VERSION): PeerMessage {
  return { kind: 'hello', v, hostId: `${appId}-host`, appId, namespace: 'default' };
}

/** A websocket client that sends whatever bytes a test wants and records what comes back. */
export class RawClient {
  readonly received: PeerMessage[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => this.received.push(...decode(data as Buffer, 'peer')));
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    socket.on('error', () => undefined);
  }

  static async connect(t: Owner, address: string): Promise<RawClient> {
    const socket = new WebSocket(`ws://${address}`);
    t.teardown(() => socket.terminate());
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  send(messages: PeerMessage | PeerMessage[]): void {
    this.socket.send(encode(messages));
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.send(bytes);
  }
}

/** A TCP forwarder that counts the connections made through it: how many links a pool opened. */
export async function countingProxy(t: Owner, port: number): Promise<{ address: string; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    connections++;
    const upstream = connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

/** A websocket server that plays a peer by hand: the test sees every ws message as it came. */
export async function startRawPeer(
  t: Owner,
  onMessages: (socket: WebSocket, messages: PeerMessage[]) => void,
): Promise<{ address: string; frames: PeerMessage[][] }> {
  const frames: PeerMessage[][] = [];
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('message', (data: RawData) => {
      const messages = decode(data as Buffer, 'peer');
      frames.push(messages);
      onMessages(socket, messages);
    });
  });
  t.teardown(() => new Promise<void>((resolve) => (server.clients.forEach((c) => c.terminate()), server.close(() => resolve()))));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, frames };
}
