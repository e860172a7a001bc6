/**
 * The serving side of peer links: a websocket server on its own port that other sidecars
 * connect to. Each connection is one InboundLink; a link that breaks the protocol is closed
 * alone, the others carry on.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../logging/index.js';
import type { PeerIdentity } from './identity.js';
import { serveInboundLink, type PeerHandler } from './inbound-link.js';
import { resolveLimits, type PeerLimits } from './limits.js';

export interface PeerServerOptions extends PeerIdentity, Partial<PeerLimits> {
  readonly host: string;
  /** 0 picks a free port; `PeerServer.port` tells which. */
  readonly port: number;
  readonly handler: PeerHandler;
  readonly logger: Logger;
}

export interface PeerServer {
  readonly port: number;
  /** Stops accepting links and closes the open ones (callers see PEER_UNAVAILABLE and retry elsewhere). */
  close(): Promise<void>;
}

/** How long a closing link may take to finish its close handshake before it is cut. */
const CLOSE_GRACE_MS = 1_000;
/** RFC 6455 "going away": the server is shutting down. */
const CLOSE_GOING_AWAY = 1001;

export async function startPeerServer(options: PeerServerOptions): Promise<PeerServer> {
  const limits = resolveLimits(options);
  const { hostId, appId, namespace, handler, logger } = options;
  const server = new WebSocketServer({ host: options.host, port: options.port, maxPayload: limits.maxMessageBytes, perMessageDeflate: false });
  await listening(server);
  const context = { self: { hostId, appId, namespace }, handler, limits, logger };
  server.on('connection', (socket) => serveInboundLink(socket, context));
  server.on('error', (err) => logger.error({ err }, 'peer server error'));
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () => (closing ??= closeServer(server)),
  };
}

function listening(server: WebSocketServer): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
}

async function closeServer(server: WebSocketServer): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.all([...server.clients].map(closeSocket));
  await stopped;
}

function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === socket.CLOSED) return resolve();
    const cut = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    socket.close(CLOSE_GOING_AWAY, 'server closing');
  });
}
