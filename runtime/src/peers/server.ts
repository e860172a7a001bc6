/**
 * The serving side of peer links: a websocket server on its own port that other sidecars
 * connect to. Each connection is one InboundLink; a link that breaks the protocol is closed
 * alone, the others carry on. With mutual TLS it is a wss server that completes no handshake
 * without a certificate the CA signed, and each link's caller is the certificate's identity.
 */
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  CLOSE_PROTOCOL_VIOLATION,
  foreignIdentity,
  mutualTlsServerOptions,
  verifiedClientIdentity,
  type MutualTls,
} from '@outrigger/placement';
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
  /** Mutual TLS; absent: plain ws, callers known only by their hello. */
  readonly tls?: MutualTls | undefined;
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
  const { hostId, appId, namespace, handler, logger, tls } = options;
  const https = tls ? httpsServer(tls, logger) : undefined;
  const wsOptions = { maxPayload: limits.maxMessageBytes, perMessageDeflate: false };
  const server = new WebSocketServer(https ? { server: https, ...wsOptions } : { host: options.host, port: options.port, ...wsOptions });
  await (https ? listening(https.listen(options.port, options.host)) : listening(server));
  const context = { self: { hostId, appId, namespace }, handler, limits, logger };
  server.on('connection', (socket, req) => {
    if (!tls) return serveInboundLink(socket, context);
    const proven = verifiedClientIdentity(req.socket);
    const foreign = foreignIdentity(proven, tls.trustDomain);
    if (foreign) return refuseCaller(socket, req, foreign, logger);
    serveInboundLink(socket, context, proven);
  });
  server.on('error', (err) => logger.error({ err }, 'peer server error'));
  let closing: Promise<void> | undefined;
  return {
    port: ((https ?? server).address() as AddressInfo).port,
    close: () => (closing ??= closeServer(server, https)),
  };
}

function httpsServer(tls: MutualTls, logger: Logger): Server {
  const server = createServer(mutualTlsServerOptions(tls));
  server.on('tlsClientError', (err, socket) => {
    logger.warn({ remote: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message }, 'refused a peer link: no valid client certificate');
  });
  return server;
}

/** A certificate the CA signed, but for no identity of this trust domain. */
function refuseCaller(socket: WebSocket, req: IncomingMessage, reason: string, logger: Logger): void {
  logger.warn({ remote: `${req.socket.remoteAddress}:${req.socket.remotePort}`, code: 'PROTO_UNAUTHENTICATED', reason }, 'refused a peer link');
  socket.close(CLOSE_PROTOCOL_VIOLATION, 'PROTO_UNAUTHENTICATED');
}

function listening(server: WebSocketServer | Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
}

async function closeServer(server: WebSocketServer, https: Server | undefined): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.all([...server.clients].map(closeSocket));
  await stopped;
  if (!https) return;
  https.closeAllConnections();
  await new Promise<void>((resolve) => https.close(() => resolve()));
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
