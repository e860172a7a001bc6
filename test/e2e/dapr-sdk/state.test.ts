/**
 * The official Dapr JS SDK (@dapr/dapr, HTTP protocol) against our sidecar, unchanged:
 * the state API as the SDK sends it (see shared reference: dapr-node-sdk-wire.md §2.2).
 */
import anyTest, { type TestFn } from 'ava';
import { StateConcurrencyEnum, StateConsistencyEnum, type DaprClient } from '@dapr/dapr';
import { Cleanup } from '../../harness/cleanup.js';
import { daprClientFor } from '../../harness/dapr-client.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { redisAddress } from '../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

const test = anyTest as TestFn<{ client: DaprClient; sidecar: SidecarHandle }>;
const cleanup = new Cleanup();
const STORE = 'statestore';

test.before(async (t) => {
  const { host, port } = redisAddress();
  const dir = await resourcesDir(cleanup, {
    'statestore.yaml': componentYaml(STORE, 'state.redis', { redisHost: `${host}:${port}`, actorStateStore: 'true' }),
  });
  const sidecar = await startSidecar(cleanup, { resourcesPaths: [dir] });
  const client = daprClientFor(cleanup, sidecar);
  t.context = { client, sidecar };
});
test.after.always(() => cleanup.run());

test('DaprClient saves and gets state', async (t) => {
  const { client } = t.context;
  await client.state.save(STORE, [
    { key: 'sdk-k1', value: { name: 'Luke' } },
    { key: 'sdk-k2', value: 'plain string' },
  ]);
  t.deepEqual(await client.state.get(STORE, 'sdk-k1'), { name: 'Luke' });
  t.is(await client.state.get(STORE, 'sdk-k2'), 'plain string');
});

test('DaprClient reads a missing key as an empty string, as on daprd', async (t) => {
  t.is(await t.context.client.state.get(STORE, 'sdk-missing'), '');
});

test('DaprClient deletes state', async (t) => {
  const { client } = t.context;
  await client.state.save(STORE, [{ key: 'sdk-del', value: 1 }]);
  await client.state.delete(STORE, 'sdk-del');
  t.is(await client.state.get(STORE, 'sdk-del'), '');
});

test('DaprClient bulk get returns every key, with data and etag', async (t) => {
  const { client } = t.context;
  await client.state.save(STORE, [
    { key: 'sdk-b1', value: 1 },
    { key: 'sdk-b2', value: { two: 2 } },
  ]);
  const items = (await client.state.getBulk(STORE, ['sdk-b1', 'sdk-b2', 'sdk-b3'])) as Array<{ key: string; data?: unknown; etag?: string }>;
  const byKey = Object.fromEntries(items.map((i) => [i.key, i]));
  t.is(byKey['sdk-b1']!.data, 1);
  t.deepEqual(byKey['sdk-b2']!.data, { two: 2 });
  t.truthy(byKey['sdk-b2']!.etag);
  t.is(byKey['sdk-b3']!.data, undefined);
});

test('DaprClient transaction upserts and deletes', async (t) => {
  const { client } = t.context;
  await client.state.save(STORE, [{ key: 'sdk-tx-old', value: 'x' }]);
  await client.state.transaction(STORE, [
    { operation: 'upsert', request: { key: 'sdk-tx-new', value: 'y' } },
    { operation: 'delete', request: { key: 'sdk-tx-old' } },
  ]);
  t.is(await client.state.get(STORE, 'sdk-tx-new'), 'y');
  t.is(await client.state.get(STORE, 'sdk-tx-old'), '');
});

test('DaprClient etags: a stale etag fails the save and the delete, the current one succeeds', async (t) => {
  const { client } = t.context;
  await client.state.save(STORE, [{ key: 'sdk-etag', value: 'v1' }]);
  const [first] = (await client.state.getBulk(STORE, ['sdk-etag'])) as Array<{ etag: string }>;
  const ok = await client.state.save(STORE, [
    { key: 'sdk-etag', value: 'v2', etag: first!.etag, options: { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE, consistency: StateConsistencyEnum.CONSISTENCY_STRONG } },
  ]);
  t.falsy(ok.error);
  const stale = await client.state.save(STORE, [
    { key: 'sdk-etag', value: 'v3', etag: first!.etag, options: { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE, consistency: StateConsistencyEnum.CONSISTENCY_EVENTUAL } },
  ]);
  t.truthy(stale.error, 'the SDK reports the 409 as an error');
  t.is(await client.state.get(STORE, 'sdk-etag'), 'v2');
  const badDelete = await client.state.delete(STORE, 'sdk-etag', { etag: first!.etag });
  t.truthy(badDelete.error);
  const [second] = (await client.state.getBulk(STORE, ['sdk-etag'])) as Array<{ etag: string }>;
  const goodDelete = await client.state.delete(STORE, 'sdk-etag', { etag: second!.etag });
  t.falsy(goodDelete.error);
  t.is(await client.state.get(STORE, 'sdk-etag'), '');
});

test('DaprClient transaction with a stale etag changes nothing', async (t) => {
  const { client } = t.context;
  await client.state.save(STORE, [{ key: 'sdk-txe', value: 'kept' }]);
  await t.throwsAsync(
    client.state.transaction(STORE, [
      // The SDK types a transaction etag as {value} and sends it so; daprd would refuse it.
      { operation: 'upsert', request: { key: 'sdk-txe', value: 'lost', etag: { value: '9999' } } },
      { operation: 'upsert', request: { key: 'sdk-txe-2', value: 'lost' } },
    ]),
  );
  t.is(await client.state.get(STORE, 'sdk-txe'), 'kept');
  t.is(await client.state.get(STORE, 'sdk-txe-2'), '');
});

test('DaprClient metadata and health work against the sidecar', async (t) => {
  const { client, sidecar } = t.context;
  const metadata = await client.metadata.get();
  t.is(metadata.id, sidecar.appId);
  t.true(metadata.components.some((c) => c.name === STORE && c.type === 'state.redis'));
  t.true(await client.health.isHealthy());
});
