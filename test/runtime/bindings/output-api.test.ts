/** `POST|PUT /v1.0/bindings/{name}` through a real sidecar: Dapr's answers for bad calls. */
import anyTest, { type TestFn } from 'ava';
import { Cleanup } from '../../harness/cleanup.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { redisAddress } from '../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

const test = anyTest as TestFn<{ sidecar: SidecarHandle }>;
const cleanup = new Cleanup();
const { host, port } = redisAddress();

test.before(async (t) => {
  const dir = await resourcesDir(cleanup, {
    'kv.yaml': componentYaml('kv', 'bindings.redis', { redisHost: `${host}:${port}` }),
    'ticks.yaml': componentYaml('ticks', 'bindings.cron', { schedule: '@every 1h', direction: 'input' }),
    'kv-in.yaml': componentYaml('kv-read-only', 'bindings.redis', { redisHost: `${host}:${port}`, direction: 'input' }),
  });
  t.context = { sidecar: await startSidecar(cleanup, { resourcesPaths: [dir] }) };
});
test.after.always(() => cleanup.run());

const call = (t: { context: { sidecar: SidecarHandle } }, name: string, init: { json?: unknown; body?: string }, method = 'POST') =>
  http(method, `${t.context.sidecar.url}/v1.0/bindings/${name}`, init);

test('a body that is not JSON is a 400 ERR_MALFORMED_REQUEST', async (t) => {
  for (const body of ['{"operation":', '', '[1,2]']) {
    const response = await call(t, 'kv', { body });
    t.is(response.status, 400, body);
    t.is(response.json<DaprErrorBody>().errorCode, 'ERR_MALFORMED_REQUEST');
    t.regex(response.json<DaprErrorBody>().message, /^failed deserializing HTTP body: /);
  }
});

test('metadata values that are not strings are a 400 ERR_MALFORMED_REQUEST', async (t) => {
  const response = await call(t, 'kv', { json: { operation: 'create', metadata: { key: 1 } } });
  t.is(response.status, 400);
  t.is(response.json<DaprErrorBody>().errorCode, 'ERR_MALFORMED_REQUEST');
});

test('an unknown binding is a 500 ERR_INVOKE_OUTPUT_BINDING naming it', async (t) => {
  const response = await call(t, 'nope', { json: { operation: 'create' } });
  t.is(response.status, 500);
  t.deepEqual(response.json(), { errorCode: 'ERR_INVOKE_OUTPUT_BINDING', message: "error invoking output binding nope: couldn't find output binding nope" });
});

test('a missing operation is refused before the binding is looked up', async (t) => {
  const response = await call(t, 'nope', { json: { data: 1 } });
  t.is(response.status, 500);
  t.is(response.json<DaprErrorBody>().message, 'error invoking output binding nope: operation field is missing from request');
});

test('an operation the binding does not have is refused with the ones it has', async (t) => {
  const response = await call(t, 'kv', { json: { operation: 'list', metadata: { key: 'k' } } }, 'PUT');
  t.is(response.status, 500);
  t.is(response.json<DaprErrorBody>().errorCode, 'ERR_INVOKE_OUTPUT_BINDING');
  t.is(response.json<DaprErrorBody>().message, 'error invoking output binding kv: binding kv does not support operation list. supported operations:create get delete increment');
});

test('operations are case-sensitive, as in Dapr', async (t) => {
  const response = await call(t, 'kv', { json: { operation: 'CREATE', metadata: { key: 'k' } } });
  t.regex(response.json<DaprErrorBody>().message, /does not support operation CREATE/);
});

test('an input-only binding has no output face', async (t) => {
  for (const name of ['ticks', 'kv-read-only']) {
    const response = await call(t, name, { json: { operation: 'create', metadata: { key: 'k' } } });
    t.is(response.status, 500);
    t.regex(response.json<DaprErrorBody>().message, new RegExp(`couldn't find output binding ${name}`));
  }
});

test('the metadata API lists each binding with the faces it has', async (t) => {
  const metadata = await http('GET', `${t.context.sidecar.url}/v1.0/metadata`);
  const components = metadata.json<{ components: Array<{ name: string; type: string; capabilities: string[] }> }>().components;
  const byName = Object.fromEntries(components.map((c) => [c.name, c]));
  t.deepEqual(byName['kv']?.capabilities, ['OUTPUT_BINDING']);
  t.deepEqual(byName['ticks']?.capabilities, ['INPUT_BINDING']);
  t.is(byName['ticks']?.type, 'bindings.cron');
  t.deepEqual(byName['kv-read-only']?.capabilities, []);
});
