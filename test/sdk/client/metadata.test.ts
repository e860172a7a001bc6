import test from 'ava';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { redisAddress } from '../../harness/ids.js';
import { startSidecar } from '../../harness/sidecar.js';
import { OutriggerClient } from '../../../sdk/src/index.js';

test('get() describes the sidecar and its components, typed', async (t) => {
  const { host, port } = redisAddress();
  const dir = await resourcesDir(t, {
    'mem.yaml': componentYaml('mem', 'state.in-memory'),
    'redis.yaml': componentYaml('cache', 'state.redis', { redisHost: `${host}:${port}` }),
  });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());

  const metadata = await client.metadata.get();
  t.is(metadata.id, sidecar.appId);
  t.truthy(metadata.runtimeVersion);
  const byName = new Map(metadata.components.map((c) => [c.name, c]));
  t.deepEqual([...byName.keys()].sort(), ['cache', 'mem']);
  t.is(byName.get('mem')?.type, 'state.in-memory');
  t.is(byName.get('mem')?.version, 'v1');
  t.true(byName.get('mem')?.capabilities.includes('ETAG'));
  t.is(byName.get('cache')?.type, 'state.redis');
  t.deepEqual(metadata.actors, [], 'absent lists are filled in');
  t.true(Array.isArray(metadata.enabledFeatures));
});

test('set() shows up in extended', async (t) => {
  const sidecar = await startSidecar(t);
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());

  await client.metadata.set('owner', 'team blue');
  await client.metadata.set('weird key/é', 'v=1&2');
  const { extended, components } = await client.metadata.get();
  t.is(extended['owner'], 'team blue');
  t.is(extended['weird key/é'], 'v=1&2', 'the key is URL-encoded on the way');
  t.truthy(extended['daprRuntimeVersion']);
  t.true(components.some((c) => c.name === 'statestore'), 'the embedded store is listed');

  await client.metadata.set('owner', 'team red');
  t.is((await client.metadata.get()).extended['owner'], 'team red');
});
