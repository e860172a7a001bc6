/**
 * Shared setup of the service invocation tests: sidecar-less "callee" ends (a recording HTTP
 * app, its AppChannel, a PeerServer with the invoke handler) and a fake AppDirectory.
 */
import type { ServerResponse } from 'node:http';
import type { HostRecord } from '@outrigger/placement';
import { pino } from 'pino';
import { AppChannel, createInvokeHandler, createInvokeService, type AppDirectory, type InvokeServiceOptions } from '../../../runtime/src/invoke/index.js';
import { createPeerPool, startPeerServer } from '../../../runtime/src/peers/index.js';
import { startApp, type FakeApp, type RecordedRequest } from '../../harness/app.js';
import type { Owner } from '../../harness/cleanup.js';
import { freePortForTest } from '../../harness/ports.js';

const logger = pino({ level: 'silent' });
let hosts = 0;

export interface Callee {
  readonly host: HostRecord;
  /** Absent when the callee's app is not listening. */
  readonly app: FakeApp | undefined;
}

export type AppHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/** Another app's sidecar end: its app (or a port nobody listens on), AppChannel and peer server. */
export async function startCallee(t: Owner, appId: string, handler: AppHandler | 'not listening', namespace = 'default'): Promise<Callee> {
  const app = handler === 'not listening' ? undefined : await startApp(t, handler);
  const appChannel = new AppChannel({ address: '127.0.0.1', port: app?.port ?? (await freePortForTest()), timeoutMs: 5_000 });
  t.teardown(() => appChannel.close());
  const hostId = `${appId}-host-${++hosts}`;
  const server = await startPeerServer({
    host: '127.0.0.1',
    port: 0,
    hostId,
    appId,
    namespace,
    handler: createInvokeHandler({ appId, appChannel }),
    logger,
  });
  t.teardown(() => server.close());
  return { host: { hostId, appId, namespace, address: `127.0.0.1:${server.port}`, actorTypes: [] }, app };
}

/** A directory over a fixed list of hosts, recording what it was asked. */
export function fakeDirectory(members: readonly HostRecord[]): AppDirectory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    instancesOf(appId, namespace) {
      asked.push(`${appId}.${namespace}`);
      return members.filter((m) => m.appId === appId && m.namespace === namespace);
    },
  };
}

/** The calling sidecar's invoke service, with a real PeerPool that closes when the test ends. */
export function callerService(t: Owner, directory: AppDirectory, overrides: Partial<InvokeServiceOptions> = {}) {
  const peers = createPeerPool({ hostId: 'caller-host', appId: 'caller', namespace: 'default', logger });
  t.teardown(() => peers.close());
  return createInvokeService({ appId: 'caller', namespace: undefined, appChannel: undefined, directory, peers, ...overrides });
}

export function call(target: string, method: string, extra: { verb?: string; query?: string; headers?: Record<string, string | string[]>; body?: string } = {}) {
  return {
    target,
    method,
    verb: extra.verb ?? 'POST',
    query: extra.query ?? '',
    headers: extra.headers ?? {},
    body: Buffer.from(extra.body ?? ''),
  };
}
