/**
 * A child process serving HTTP that does nothing: it reads the request body and answers 204.
 * Timing calls to it gives the loopback HTTP round trip (client, kernel, Node's HTTP server),
 * the floor under any sidecar. Started by `startNoopServer`; it exits when its parent goes away.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { forkUntilReady, type ReadyChild } from './children.js';

const READY_KIND = 'bench.noop-server.ready';

/** Forks this file as a server on a free 127.0.0.1 port. */
export function startNoopServer(): Promise<ReadyChild> {
  return forkUntilReady(fileURLToPath(import.meta.url), { args: ['serve'], readyKind: READY_KIND });
}

function serve(): void {
  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.statusCode = 204;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const httpPort = typeof address === 'object' && address ? address.port : 0;
    process.send?.({ kind: READY_KIND, httpPort });
  });
  process.once('disconnect', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'serve') serve();
