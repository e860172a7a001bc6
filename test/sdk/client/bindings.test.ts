import test from 'ava';
import { startApp } from '../../harness/app.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startSidecar } from '../../harness/sidecar.js';
import { OutriggerClient, SidecarError } from '../../../sdk/src/index.js';

async function bindingsClient(t: Parameters<typeof resourcesDir>[0], files: Record<string, string>): Promise<OutriggerClient> {
  const sidecar = await startSidecar(t, { resourcesPaths: [await resourcesDir(t, files)] });
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());
  return client;
}

test('a redis output binding creates, gets and deletes a key, the data round-tripping as JSON', async (t) => {
  const { host, port } = redisAddress();
  const client = await bindingsClient(t, { 'cache.yaml': componentYaml('cache', 'bindings.redis', { redisHost: `${host}:${port}` }) });
  const key = uniqueId('binding-key');
  t.teardown(() => client.bindings.invoke('cache', 'delete', undefined, { key }).catch(() => undefined));

  const created = await client.bindings.invoke('cache', 'create', { order: 7, items: ['tea'] }, { key });
  t.deepEqual(created, { data: undefined, metadata: {}, body: Buffer.alloc(0) });
  const read = await client.bindings.invoke<{ order: number; items: string[] }>('cache', 'get', undefined, { key });
  t.deepEqual(read.data, { order: 7, items: ['tea'] });
  await client.bindings.invoke('cache', 'delete', undefined, { key });
  t.is((await client.bindings.invoke('cache', 'get', undefined, { key })).data, undefined);
});

test('response metadata comes from the metadata.* headers', async (t) => {
  const target = await startApp(t, (_req, res) => void res.writeHead(201, { 'content-type': 'text/plain', 'x-trace': 'abc' }).end('made'));
  const client = await bindingsClient(t, { 'web.yaml': componentYaml('web', 'bindings.http', { url: `http://127.0.0.1:${target.port}` }) });
  const answer = await client.bindings.invoke('web', 'post', { a: 1 }, { path: '/things' });
  t.is(answer.data, 'made');
  t.is(answer.metadata['statuscode'], '201');
  t.is(answer.metadata['x-trace'], 'abc');
  t.is(target.calls()[0]?.url, '/things');
  t.deepEqual(JSON.parse(target.calls()[0]!.body.toString()), { a: 1 });
});

test('an unknown binding or operation is a SidecarError ERR_INVOKE_OUTPUT_BINDING, and bytes are refused before sending', async (t) => {
  const { host, port } = redisAddress();
  const client = await bindingsClient(t, { 'cache.yaml': componentYaml('cache', 'bindings.redis', { redisHost: `${host}:${port}` }) });
  const unknown = await t.throwsAsync(client.bindings.invoke('nope', 'create', 1), { instanceOf: SidecarError });
  t.is(unknown.errorCode, 'ERR_INVOKE_OUTPUT_BINDING');
  const operation = await t.throwsAsync(client.bindings.invoke('cache', 'explode', 1, { key: 'k' }), { instanceOf: SidecarError });
  t.is(operation.errorCode, 'ERR_INVOKE_OUTPUT_BINDING');
  t.regex(operation.message, /does not support operation explode/);
  await t.throwsAsync(client.bindings.invoke('cache', 'create', Buffer.from('x'), { key: 'k' }), { instanceOf: TypeError });
});
