import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Owner } from './cleanup.js';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export interface FakeApp {
  readonly port: number;
  /** Everything the app received, the sidecar's own `GET /dapr/config` included. */
  readonly requests: RecordedRequest[];
  /** What the app received other than the sidecar's start-up probe (`GET /dapr/config`). */
  calls(): RecordedRequest[];
}

/** A small HTTP app on a free port that records what it receives; closed when the test ends. */
export async function startApp(
  t: Owner,
  handler: (request: RecordedRequest, response: ServerResponse) => void | Promise<void>,
): Promise<FakeApp> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, res)).catch((err: Error) => {
        res.statusCode = 500;
        res.end(err.message);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    calls: () => requests.filter((r) => !(r.method === 'GET' && r.url === '/dapr/config')),
  };
}
