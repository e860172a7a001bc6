import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Disseminator } from '../disseminator/index.js';
import type { ResolvedOptions } from '../options.js';
import { HostConnection } from './connection.js';
import { PLACEMENT_WS_PATH, handleHttp } from './http-routes.js';
import { mutualTlsServerOptions, verifiedClientIdentity } from './mtls.js';

export type ServerOptions = Pick<ResolvedOptions, 'port' | 'host' | 'hostTimeoutMs' | 'maxMessageBytes' | 'registrationTimeoutMs' | 'clock' | 'logger' | 'tls'>;

export interface PlacementServer {
  readonly port: number;
  /** Closes every sidecar connection (1001), then the listener. */
  close(): Promise<void>;
}

/** How long a closing placement waits for sidecars to answer its close frames. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One HTTP server: the websocket endpoint for sidecars at PLACEMENT_WS_PATH, and the state and
 * health routes. A sweep every third of the host timeout pings each connection and drops those
 * silent for longer than the timeout.
 */
export async function startServer(options: ServerOptions, disseminator: Disseminator): Promise<PlacementServer> {
  const http = httpServer(options, (req, res) => handleHttp(req, res, () => disseminator.state()));
  const wss = new WebSocketServer({ server: http, path: PLACEMENT_WS_PATH, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
  const connections = new Map<WebSocket, HostConnection>();
  wss.on('connection', (ws, req) => {
    const peer = { remote: remoteOf(req), identity: verifiedClientIdentity(req.socket) };
    connections.set(ws, new HostConnection(ws, peer, options, disseminator));
    ws.once('close', () => connections.delete(ws));
  });
  const probeAll = () => {
    for (const connection of connections.values()) connection.probe(options.hostTimeoutMs);
  };
  // Probed from setImmediate, after this turn's I/O: if this process itself was stalled (GC,
  // a busy handler), the pongs that prove the hosts alive are read first, not blamed on them.
  const sweep = setInterval(() => setImmediate(probeAll), Math.max(1, Math.floor(options.hostTimeoutMs / 3)));

  await listen(http, options.port, options.host);
  const { port } = http.address() as AddressInfo;
  return {
    port,
    close: async () => {
      clearInterval(sweep);
      await closeConnections(connections);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** With mutual TLS, HTTPS that completes no handshake without a certificate the CA signed. */
function httpServer(options: ServerOptions, handler: RequestListener): Server {
  if (!options.tls) return createServer(handler);
  const https = createHttpsServer(mutualTlsServerOptions(options.tls), handler);
  https.on('tlsClientError', (err, socket) => {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    options.logger.warn({ remote, err: err.message }, 'refused a TLS connection: no valid client certificate');
  });
  return https;
}

function remoteOf(req: IncomingMessage): string {
  return `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
}

/** Listens on `host:port`; rejects as `listen` does (EADDRINUSE…). The metrics server uses it too. */
export function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}

async function closeConnections(connections: Map<WebSocket, HostConnection>): Promise<void> {
  const closed = [...connections.keys()].map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
  for (const connection of connections.values()) connection.shutdown();
  const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
  await Promise.race([Promise.all(closed), grace]);
  for (const ws of connections.keys()) ws.terminate();
}
