/**
 * A child process that hosts actors the way an SDK's app server does, doing no work: it answers
 * `GET /dapr/config` with its actor types and every actor callback with 200 and a small JSON body.
 * Timing calls through sidecars to it measures the runtime, not an app.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { forkUntilReady, type ReadyChild } from './children.js';

const READY_KIND = 'bench.actor-app.ready';

/** Every callback answers `{"app": name}`, so a caller can tell which host ran an actor. */
export function startActorApp(types: readonly string[], name: string): Promise<ReadyChild> {
  return forkUntilReady(fileURLToPath(import.meta.url), { args: ['serve', types.join(','), name], readyKind: READY_KIND });
}

function serve(types: string[], name: string): void {
  const answer = JSON.stringify({ app: name });
  const config = JSON.stringify({ entities: types, actorIdleTimeout: '1h' });
  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url === '/dapr/config' ? config : answer);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ kind: READY_KIND, httpPort: typeof address === 'object' && address ? address.port : 0 });
  });
  process.once('disconnect', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'serve') serve((process.argv[3] ?? '').split(',').filter(Boolean), process.argv[4] ?? 'app');
