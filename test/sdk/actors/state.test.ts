/**
 * An actor's state cache against a recording fake sidecar: one transaction per turn, nothing
 * written when the method throws, reads cached for the activation, reentrant turns nested.
 */
import test from 'ava';
import type { ServerResponse } from 'node:http';
import { startApp, type RecordedRequest } from '../../harness/app.js';
import type { Owner } from '../../harness/cleanup.js';
import { http } from '../../harness/http.js';
import { Actor, ActorHost, OutriggerClient } from '../../../sdk/src/index.js';

class Notebook extends Actor {
  async write(entries: Record<string, unknown>, fail = false): Promise<void> {
    for (const [key, value] of Object.entries(entries)) this.state.set(key, value);
    if (fail) throw new Error('changed my mind');
  }

  async erase(key: string): Promise<boolean> {
    const had = await this.state.has(key);
    this.state.remove(key);
    return had && !(await this.state.has(key));
  }

  async read(key: string): Promise<unknown> {
    return (await this.state.get(key)) ?? null;
  }

  async mutateCopy(key: string): Promise<unknown> {
    const value = (await this.state.get<{ n: number }>(key))!;
    value.n = -1;
    return this.state.get(key);
  }

  async journal(): Promise<void> {
    this.state.set('step', 'started');
    await this.state.save();
    this.state.set('step', 'done');
    throw new Error('crashed after the journal');
  }

  async expiring(): Promise<void> {
    this.state.set('token', 'abc', { ttlInSeconds: 30 });
  }

  async badValue(): Promise<void> {
    this.state.set('n', 10n);
  }
}

interface FakeSidecar {
  readonly stored: Map<string, string>;
  readonly transactions: unknown[];
  readonly reads: string[];
}

/** Just enough of the actor state API, recording every transaction and read. */
async function startFakeSidecar(t: Owner): Promise<FakeSidecar & { port: number }> {
  const fake: FakeSidecar = { stored: new Map(), transactions: [], reads: [] };
  const app = await startApp(t, (req: RecordedRequest, res: ServerResponse) => {
    const read = /^\/v1\.0\/actors\/Notebook\/[^/]+\/state\/(.+)$/.exec(req.url);
    if (req.method === 'GET' && read) {
      fake.reads.push(read[1]!);
      const value = fake.stored.get(read[1]!);
      return void (value === undefined ? res.writeHead(204).end() : res.writeHead(200, { 'content-type': 'application/json' }).end(value));
    }
    const operations = JSON.parse(req.body.toString()) as Array<{ operation: string; request: { key: string; value?: unknown } }>;
    fake.transactions.push(operations);
    for (const { operation, request } of operations) {
      if (operation === 'upsert') fake.stored.set(request.key, JSON.stringify(request.value));
      else fake.stored.delete(request.key);
    }
    res.writeHead(204).end();
  });
  return { ...fake, port: app.port };
}

async function setup(t: Owner) {
  const sidecar = await startFakeSidecar(t);
  const host = new ActorHost({ client: new OutriggerClient({ port: sidecar.port }) }).register('Notebook', Notebook);
  const port = await host.listen(0);
  t.teardown(async () => {
    await host.close();
    await host.client.close();
  });
  const call = (id: string, method: string, ...args: unknown[]) => http('PUT', `http://127.0.0.1:${port}/actors/Notebook/${id}/method/${method}`, { json: args });
  return { sidecar, call };
}

test('a turn\'s writes are saved in one transaction when it ends', async (t) => {
  const { sidecar, call } = await setup(t);
  t.is((await call('n1', 'write', { a: 1, b: { deep: [true] } })).status, 200);
  t.deepEqual(sidecar.transactions, [[{ operation: 'upsert', request: { key: 'a', value: 1 } }, { operation: 'upsert', request: { key: 'b', value: { deep: [true] } } }]]);
});

test('a turn that throws writes nothing and its changes are gone for the next turn', async (t) => {
  const { sidecar, call } = await setup(t);
  await call('n2', 'write', { a: 1 });
  const failed = await call('n2', 'write', { a: 2, c: 3 }, true);
  t.is(failed.status, 500);
  t.is(failed.headers.get('x-daprerrorresponseheader'), 'true');
  t.is(sidecar.transactions.length, 1);
  t.is((await call('n2', 'read', 'a')).json(), 1);
  t.is((await call('n2', 'read', 'c')).json(), null);
});

test('reads go to the sidecar once per activation; a turn without writes sends no transaction', async (t) => {
  const { sidecar, call } = await setup(t);
  sidecar.stored.set('x', '"stored"');
  t.is((await call('n3', 'read', 'x')).json(), 'stored');
  t.is((await call('n3', 'read', 'x')).json(), 'stored');
  t.is((await call('n3', 'read', 'missing')).json(), null);
  t.is((await call('n3', 'read', 'missing')).json(), null);
  t.deepEqual(sidecar.reads, ['x', 'missing']);
  t.deepEqual(sidecar.transactions, []);
});

test('remove deletes the key in the turn\'s transaction', async (t) => {
  const { sidecar, call } = await setup(t);
  sidecar.stored.set('gone', '1');
  t.is((await call('n4', 'erase', 'gone')).json(), true);
  t.deepEqual(sidecar.transactions, [[{ operation: 'delete', request: { key: 'gone' } }]]);
});

test('a value read is a copy: changing it does not change the state', async (t) => {
  const { sidecar, call } = await setup(t);
  sidecar.stored.set('obj', '{"n":1}');
  t.deepEqual((await call('n5', 'mutateCopy', 'obj')).json(), { n: 1 });
});

test('save() writes at once; a later throw rolls back only what came after', async (t) => {
  const { sidecar, call } = await setup(t);
  t.is((await call('n6', 'journal')).status, 500);
  t.deepEqual(sidecar.transactions, [[{ operation: 'upsert', request: { key: 'step', value: 'started' } }]]);
  t.is((await call('n6', 'read', 'step')).json(), 'started');
});

test('a TTL travels as ttlInSeconds metadata', async (t) => {
  const { sidecar, call } = await setup(t);
  await call('n7', 'expiring');
  t.deepEqual(sidecar.transactions, [[{ operation: 'upsert', request: { key: 'token', value: 'abc', metadata: { ttlInSeconds: '30' } } }]]);
});

test('a value JSON cannot hold fails the turn with a clear error and writes nothing', async (t) => {
  const { sidecar, call } = await setup(t);
  const answer = await call('n8', 'badValue');
  t.is(answer.status, 500);
  t.like(answer.json<{ actorError: { name: string } }>().actorError, { name: 'TypeError' });
  t.deepEqual(sidecar.transactions, []);
});
