/**
 * client.state against a real sidecar and its embedded SQLite `statestore` (what a sidecar
 * started without resources gets), plus one explicit in-memory store.
 */
import anyTest, { type TestFn } from 'ava';
import { Cleanup } from '../../harness/cleanup.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { http } from '../../harness/http.js';
import { uniqueId } from '../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';
import { EtagMismatchError, OutriggerClient, SidecarError } from '../../../sdk/src/index.js';

const test = anyTest as TestFn<{ client: OutriggerClient; sidecar: SidecarHandle }>;
const cleanup = new Cleanup();
const STORE = 'statestore';

interface Order {
  id: number;
  items: string[];
}

test.before(async (t) => {
  const sidecar = await startSidecar(cleanup);
  const client = new OutriggerClient({ port: sidecar.port });
  cleanup.teardown(() => client.close());
  t.context = { client, sidecar };
});
test.after.always(() => cleanup.run());

const key = (name: string) => uniqueId(name);

test('save then get round-trips a JSON value with an etag', async (t) => {
  const { state } = t.context.client;
  const k = key('order');
  await state.save(STORE, [{ key: k, value: { id: 7, items: ['tea'] } }]);
  const entry = await state.get<Order>(STORE, k);
  t.deepEqual(entry?.value, { id: 7, items: ['tea'] });
  t.truthy(entry?.etag);
  t.deepEqual(await state.getValue<Order>(STORE, k), { id: 7, items: ['tea'] });
});

test('scalar values round-trip as JSON', async (t) => {
  const { state } = t.context.client;
  const values = { str: 'DeathStar', num: 42, bool: false, nul: null, arr: [1, 'two'] };
  await state.save(STORE, Object.entries(values).map(([k, value]) => ({ key: `scalar-${k}`, value })));
  for (const [k, value] of Object.entries(values)) t.deepEqual(await state.getValue(STORE, `scalar-${k}`), value, k);
});

test('the etag moves on with each save and the current one is accepted', async (t) => {
  const { state } = t.context.client;
  const k = key('etag');
  await state.save(STORE, [{ key: k, value: 1 }]);
  const first = (await state.get<number>(STORE, k))!;
  await state.save(STORE, [{ key: k, value: 2, etag: first.etag }]);
  const second = (await state.get<number>(STORE, k))!;
  t.is(second.value, 2);
  t.not(second.etag, first.etag);
});

test('a stale etag throws EtagMismatchError (409 ERR_STATE_SAVE) and writes nothing', async (t) => {
  const { state } = t.context.client;
  const k = key('stale');
  await state.save(STORE, [{ key: k, value: 'v1' }]);
  const { etag } = (await state.get(STORE, k))!;
  await state.save(STORE, [{ key: k, value: 'v2', etag }]);
  const err = await t.throwsAsync(state.save(STORE, [{ key: k, value: 'v3', etag }]), { instanceOf: EtagMismatchError });
  t.is(err?.status, 409);
  t.is(err?.errorCode, 'ERR_STATE_SAVE');
  t.is(err?.name, 'EtagMismatchError');
  t.truthy(err?.message);
  t.is(await state.getValue(STORE, k), 'v2');
});

test('first-write concurrency refuses to overwrite without an etag', async (t) => {
  const { state } = t.context.client;
  const item = { key: key('first'), value: 1, options: { concurrency: 'first-write' as const } };
  await state.save(STORE, [item]);
  await t.throwsAsync(state.save(STORE, [item]), { instanceOf: EtagMismatchError });
});

test('get of a missing key is undefined', async (t) => {
  t.is(await t.context.client.state.get(STORE, key('never-written')), undefined);
  t.is(await t.context.client.state.getValue(STORE, key('never-written'), { consistency: 'strong' }), undefined);
});

test('delete with the current etag removes the key; a stale one throws and keeps it', async (t) => {
  const { state } = t.context.client;
  const k = key('del');
  await state.save(STORE, [{ key: k, value: 'x' }]);
  const { etag } = (await state.get(STORE, k))!;
  await state.save(STORE, [{ key: k, value: 'y' }]);
  const err = await t.throwsAsync(state.delete(STORE, k, { etag }), { instanceOf: EtagMismatchError });
  t.is(err?.errorCode, 'ERR_STATE_DELETE');
  t.is(err?.status, 409);
  t.is(await state.getValue(STORE, k), 'y');

  const current = (await state.get(STORE, k))!.etag;
  await state.delete(STORE, k, { etag: current, concurrency: 'first-write', consistency: 'strong' });
  t.is(await state.get(STORE, k), undefined);
});

test('delete without an etag, and of a missing key, succeeds', async (t) => {
  const { state } = t.context.client;
  const k = key('del-plain');
  await state.save(STORE, [{ key: k, value: 1 }]);
  await state.delete(STORE, k);
  t.is(await state.get(STORE, k), undefined);
  await t.notThrowsAsync(state.delete(STORE, key('never-there')));
});

test('bulk get answers every key in order, a missing one without a value', async (t) => {
  const { state } = t.context.client;
  const [a, b, missing] = [key('bulk-a'), key('bulk-b'), key('bulk-missing')];
  await state.save(STORE, [{ key: a, value: { n: 1 } }, { key: b, value: 'two' }]);
  const items = await state.getBulk<{ n: number } | string>(STORE, [b, missing, a], { parallelism: 2 });
  t.deepEqual(items.map((i) => i.key), [b, missing, a]);
  t.is(items[0]!.value, 'two');
  t.truthy(items[0]!.etag);
  t.false('value' in items[1]!);
  t.is(items[1]!.etag, undefined);
  t.deepEqual(items[2]!.value, { n: 1 });
  t.is(items[2]!.etag, (await state.get(STORE, a))!.etag);
});

test('bulk get of no keys is an empty list', async (t) => {
  t.deepEqual(await t.context.client.state.getBulk(STORE, []), []);
});

test('a transaction applies upserts and deletes together', async (t) => {
  const { state } = t.context.client;
  const [created, gone, updated] = [key('tx-new'), key('tx-gone'), key('tx-upd')];
  await state.save(STORE, [{ key: gone, value: 1 }, { key: updated, value: 'old' }]);
  const { etag } = (await state.get(STORE, updated))!;
  await state.transaction(STORE, [
    { operation: 'upsert', request: { key: created, value: { ok: true } } },
    { operation: 'upsert', request: { key: updated, value: 'new', etag } },
    { operation: 'delete', request: { key: gone } },
  ]);
  t.deepEqual(await state.getValue(STORE, created), { ok: true });
  t.is(await state.getValue(STORE, updated), 'new');
  t.is(await state.get(STORE, gone), undefined);
});

test('a transaction with a stale etag fails as a whole', async (t) => {
  const { state } = t.context.client;
  const [a, b] = [key('txf-a'), key('txf-b')];
  await state.save(STORE, [{ key: a, value: 'before' }]);
  const err = await t.throwsAsync(
    state.transaction(STORE, [
      { operation: 'upsert', request: { key: a, value: 'after' } },
      { operation: 'upsert', request: { key: b, value: 'after', etag: '12345' } },
    ]),
    { instanceOf: SidecarError },
  );
  t.is(err?.errorCode, 'ERR_STATE_TRANSACTION');
  t.is(await state.getValue(STORE, a), 'before');
  t.is(await state.get(STORE, b), undefined);
});

test('an unknown store is a SidecarError ERR_STATE_STORE_NOT_FOUND (400) on every call', async (t) => {
  const { state } = t.context.client;
  const calls = {
    get: () => state.get('no-such-store', 'k'),
    save: () => state.save('no-such-store', [{ key: 'k', value: 1 }]),
    delete: () => state.delete('no-such-store', 'k'),
    getBulk: () => state.getBulk('no-such-store', ['k']),
    transaction: () => state.transaction('no-such-store', [{ operation: 'delete', request: { key: 'k' } }]),
  };
  for (const [name, call] of Object.entries(calls)) {
    const err = await t.throwsAsync(call(), { instanceOf: SidecarError }, name);
    t.false(err instanceof EtagMismatchError, name);
    t.is(err?.status, 400, name);
    t.is(err?.errorCode, 'ERR_STATE_STORE_NOT_FOUND', name);
    t.regex(err?.message ?? '', /no-such-store/, name);
    t.true((err?.details.length ?? 0) > 0, `${name}: Dapr's details are kept`);
  }
});

test('keys are URL-encoded: spaces, slashes, question marks and unicode survive', async (t) => {
  const { state } = t.context.client;
  const odd = `${key('odd')} a/b?c=d&e#f %41 é`;
  await state.save(STORE, [{ key: odd, value: 'odd' }]);
  t.is(await state.getValue(STORE, odd), 'odd');
  const bulk = await state.getBulk(STORE, [odd]);
  t.is(bulk[0]!.value, 'odd');
  await state.delete(STORE, odd);
  t.is(await state.get(STORE, odd), undefined);
});

test('metadata is sent as metadata.<key> query parameters', async (t) => {
  const { state } = t.context.client;
  const k = key('ttl');
  await state.save(STORE, [{ key: k, value: 'short-lived' }], { metadata: { ttlInSeconds: '1' } });
  t.is(await state.getValue(STORE, k, { metadata: { contentType: 'application/json' } }), 'short-lived');
  // A bad value is refused by the sidecar, which proves the parameter reached it.
  const err = await t.throwsAsync(state.save(STORE, [{ key: k, value: 1 }], { metadata: { ttlInSeconds: 'soon' } }), { instanceOf: SidecarError });
  t.is(err?.status, 400);
  const perItem = await t.throwsAsync(state.save(STORE, [{ key: k, value: 1, metadata: { ttlInSeconds: 'soon' } }]), { instanceOf: SidecarError });
  t.is(perItem?.status, 400);
});

test('an explicit in-memory store behaves the same', async (t) => {
  const dir = await resourcesDir(t, { 'mem.yaml': componentYaml('mem', 'state.in-memory') });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());
  await client.state.save('mem', [{ key: 'k', value: 'in memory' }]);
  const { etag } = (await client.state.get<string>('mem', 'k'))!;
  await client.state.save('mem', [{ key: 'k', value: 'again', etag }]);
  await t.throwsAsync(client.state.save('mem', [{ key: 'k', value: 'late', etag }]), { instanceOf: EtagMismatchError });
  // Cross-check with a raw request that the SDK wrote where it said.
  t.is((await http('GET', `${sidecar.url}/v1.0/state/mem/k`)).text, '"again"');
  await t.throwsAsync(client.state.get(STORE, 'k'), { instanceOf: SidecarError, message: /statestore/ });
});
