import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { PROTOCOL_VERSION, decode, encode, type HostRecord, type SidecarToPlacement } from '@outrigger/placement';
import { PlacementClient } from '../../../runtime/src/placement-client/index.js';
import { waitUntil } from '../../harness/eventually.js';
import { freePortForTest } from '../../harness/ports.js';

const logger = pino({ level: 'silent' });

/** A scripted placement: records what sidecars send and lets the test send orders. */
class FakePlacement {
  readonly received: SidecarToPlacement[] = [];
  readonly sockets: WebSocket[] = [];
  readonly closes: number[] = [];
  private constructor(
    readonly server: Server,
    readonly wss: WebSocketServer,
  ) {}

  static async start(t: ExecutionContext, port = 0): Promise<FakePlacement> {
    const server = createServer();
    const wss = new WebSocketServer({ server, path: '/v1/placement' });
    const fake = new FakePlacement(server, wss);
    wss.on('connection', (ws) => {
      fake.sockets.push(ws);
      ws.on('message', (data) => fake.received.push(...decode(data as Buffer, 'placement')));
      ws.on('close', (code) => fake.closes.push(code));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    t.teardown(() => fake.close());
    return fake;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get last(): WebSocket {
    return this.sockets.at(-1)!;
  }

  send(message: object, socket = this.last): void {
    socket.send(encode({ v: PROTOCOL_VERSION, ...message } as never));
  }

  acks(phase: string): number[] {
    return this.received.filter((m) => m.kind === 'ack' && m.phase === phase).map((m) => (m as { version: number }).version);
  }

  close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => this.server.close(() => resolve())));
  }
}

const host = (hostId: string, actorTypes: string[] = ['Counter']): HostRecord => ({ hostId, appId: hostId.split('@')[0]!, namespace: '', address: hostId.split('@')[1]!, actorTypes });
const me = host('me@127.0.0.1:1');
const other = host('other@127.0.0.1:2');

function client(t: ExecutionContext, addresses: string[], extra: Partial<ConstructorParameters<typeof PlacementClient>[0]> = {}): PlacementClient {
  const c = new PlacementClient({ addresses, host: me, logger, reconnectMinMs: 10, reconnectMaxMs: 50, ...extra });
  c.start();
  t.teardown(() => c.close());
  return c;
}

test('PlacementClient registers, then switches tables on commit', async (t) => {
  const placement = await FakePlacement.start(t);
  const c = client(t, [placement.address]);
  await waitUntil('registered', () => placement.received.some((m) => m.kind === 'register'));
  t.deepEqual(placement.received[0], { kind: 'register', v: PROTOCOL_VERSION, host: me });

  placement.send({ kind: 'prepare', version: 10, replicationFactor: 50, members: [me, other] });
  await waitUntil('prepare acked', () => placement.acks('prepare').includes(10));
  t.is(c.table.version, 0, 'nothing switches before the commit');
  placement.send({ kind: 'commit', version: 10 });
  await waitUntil('commit acked', () => placement.acks('commit').includes(10));
  t.is(c.table.version, 10);
  t.deepEqual(c.table.instancesOf('other').map((h) => h.hostId), ['other@127.0.0.1:2']);
});

test('PlacementClient holds lookups only for actors that move, until the commit', async (t) => {
  const placement = await FakePlacement.start(t);
  const c = client(t, [placement.address]);
  await waitUntil('registered', () => placement.sockets.length === 1 && placement.received.length > 0);
  placement.send({ kind: 'prepare', version: 1, replicationFactor: 50, members: [me] });
  placement.send({ kind: 'commit', version: 1 });
  await waitUntil('first table', () => c.table.version === 1);

  placement.send({ kind: 'prepare', version: 2, replicationFactor: 50, members: [me, other] });
  await waitUntil('prepared', () => placement.acks('prepare').includes(2));
  const ids = Array.from({ length: 50 }, (_, i) => `id-${i}`);
  const next = (await import('@outrigger/placement')).PlacementTable.build(2, 50, [me, other]);
  const moving = ids.filter((id) => next.ownerOf('Counter', id)!.hostId === other.hostId);
  const staying = ids.filter((id) => !moving.includes(id));
  t.true(moving.length > 0 && staying.length > 0);

  for (const id of staying) t.is((await c.ownerOf('Counter', id))!.hostId, me.hostId, 'an actor that stays is answered at once');
  let resolved = false;
  const pending = c.ownerOf('Counter', moving[0]!).then((h) => ((resolved = true), h));
  await new Promise((resolve) => setImmediate(resolve));
  t.false(resolved, 'a moving actor waits for the commit');
  placement.send({ kind: 'commit', version: 2 });
  t.is((await pending)!.hostId, other.hostId);
});

test('PlacementClient acks a prepare only after onPrepare has drained', async (t) => {
  const placement = await FakePlacement.start(t);
  let release!: () => void;
  const drained = new Promise<void>((resolve) => (release = resolve));
  client(t, [placement.address], { onPrepare: () => drained });
  await waitUntil('registered', () => placement.received.length > 0);
  placement.send({ kind: 'prepare', version: 5, replicationFactor: 10, members: [me] });
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.deepEqual(placement.acks('prepare'), []);
  release();
  await waitUntil('acked after draining', () => placement.acks('prepare').includes(5));
  t.pass();
});

test('PlacementClient drops a connection whose placement commits a table it never prepared, and reconnects', async (t) => {
  const placement = await FakePlacement.start(t);
  client(t, [placement.address]);
  await waitUntil('registered', () => placement.received.length > 0);
  placement.send({ kind: 'commit', version: 77 });
  await waitUntil('closed and reconnected', () => placement.closes.includes(1008) && placement.sockets.length === 2);
  t.pass();
});

test('PlacementClient drops a connection that sends garbage, and reconnects', async (t) => {
  const placement = await FakePlacement.start(t);
  client(t, [placement.address]);
  await waitUntil('registered', () => placement.received.length > 0);
  placement.last.send(Buffer.from([0xc1, 0xff, 0x00]));
  await waitUntil('closed and reconnected', () => placement.closes.includes(1008) && placement.sockets.length === 2);
  t.pass();
});

test('PlacementClient keeps its table while the placement is away and re-registers with it when back', async (t) => {
  const port = await freePortForTest();
  const first = await FakePlacement.start(t, port);
  const c = client(t, [`127.0.0.1:${port}`]);
  await waitUntil('registered', () => first.received.length > 0);
  first.send({ kind: 'prepare', version: 3, replicationFactor: 10, members: [me, other] });
  first.send({ kind: 'commit', version: 3 });
  await waitUntil('committed', () => c.table.version === 3);
  await first.close();
  await waitUntil('disconnected', () => c.status === 'disconnected');
  t.is(c.table.version, 3, 'the last table still serves lookups');

  const second = await FakePlacement.start(t, port);
  await waitUntil('re-registered', () => second.received.some((m) => m.kind === 'register'));
  t.deepEqual(second.received[0], { kind: 'register', v: PROTOCOL_VERSION, host: me, lastTable: { version: 3, hostIds: [me.hostId, other.hostId] } });
});

test('PlacementClient tries each address in turn', async (t) => {
  const dead = await freePortForTest();
  const placement = await FakePlacement.start(t);
  const c = client(t, [`127.0.0.1:${dead}`, placement.address]);
  await waitUntil('connected to the second', () => c.status === 'connected');
  t.is(placement.sockets.length, 1);
});

test('PlacementClient hosts the embedded placement when none answers', async (t) => {
  const port = await freePortForTest();
  let hosted: FakePlacement | undefined;
  const c = client(t, [`127.0.0.1:${port}`], {
    embedded: {
      port,
      start: async () => {
        hosted = await FakePlacement.start(t, port);
        return { close: () => hosted!.close() };
      },
    },
  });
  await waitUntil('connected to its own placement', () => c.status === 'connected' && hosted !== undefined);
  t.true(c.hostsPlacement);
  await waitUntil('registered with it', () => hosted!.received.length > 0);
});

test('PlacementClient re-registers when its actor types change', async (t) => {
  const placement = await FakePlacement.start(t);
  const c = client(t, [placement.address]);
  await waitUntil('registered', () => placement.received.length > 0);
  c.setActorTypes(['B', 'A', 'A']);
  await waitUntil('registered again', () => placement.received.filter((m) => m.kind === 'register').length === 2);
  const last = placement.received.at(-1) as { host: HostRecord };
  t.deepEqual(last.host.actorTypes, ['A', 'B']);
});
