import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Owner } from './cleanup.js';

/** Listens with `server` on a free port and answers its base URL; closed when the test ends. */
export async function serveHttp(t: Owner, server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
