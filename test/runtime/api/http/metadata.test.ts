import test from 'ava';
import { componentYaml, resourcesDir } from '../../../harness/files.js';
import { http } from '../../../harness/http.js';
import { waitUntil } from '../../../harness/eventually.js';
import { startSidecar } from '../../../harness/sidecar.js';

interface Metadata {
  id: string;
  runtimeVersion: string;
  components: Array<{ name: string; type: string; version: string; capabilities: string[] }>;
  extended: Record<string, string>;
  appConnectionProperties: { port?: number; protocol: string; channelAddress: string };
  actorRuntime: { runtimeStatus: string; placement?: string; placementTableVersion?: number };
}

test('metadata describes the app, its components and their capabilities', async (t) => {
  const dir = await resourcesDir(t, { 'mem.yaml': componentYaml('mem', 'state.in-memory') });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir], appPort: 47999 });
  const res = await http('GET', `${sidecar.url}/v1.0/metadata`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/json');
  const body = res.json<Metadata>();
  t.is(body.id, sidecar.appId);
  t.truthy(body.runtimeVersion);
  t.deepEqual(body.components, [{ name: 'mem', type: 'state.in-memory', version: 'v1', capabilities: ['ETAG', 'TRANSACTIONAL', 'TTL', 'ACTOR'] }]);
  t.deepEqual(body.appConnectionProperties, { port: 47999, protocol: 'http', channelAddress: '127.0.0.1' });
  t.is(body.extended['daprRuntimeVersion'], body.runtimeVersion);
});

test('metadata reports the placement connection and the table the sidecar routes by', async (t) => {
  const sidecar = await startSidecar(t);
  const read = async () => (await http('GET', `${sidecar.url}/v1.0/metadata`)).json<Metadata>();
  await waitUntil('a table is committed', async () => ((await read()).actorRuntime.placementTableVersion ?? 0) > 0);
  const { actorRuntime } = await read();
  t.is(actorRuntime.runtimeStatus, 'RUNNING');
  t.is(actorRuntime.placement, 'placement: connected');
});

test('PUT /v1.0/metadata/{key} sets an extended attribute', async (t) => {
  const sidecar = await startSidecar(t);
  const put = await http('PUT', `${sidecar.url}/v1.0/metadata/cliPID`, { body: '4242', headers: { 'content-type': 'text/plain' } });
  t.is(put.status, 204);
  const body = (await http('GET', `${sidecar.url}/v1.0/metadata`)).json<Metadata>();
  t.is(body.extended['cliPID'], '4242');
});

test('a body over --dapr-http-max-request-size is a 413', async (t) => {
  const sidecar = await startSidecar(t, { args: ['--dapr-http-max-request-size', '1'] });
  const big = JSON.stringify([{ key: 'k', value: 'x'.repeat(1024 * 1024 + 10) }]);
  const res = await http('POST', `${sidecar.url}/v1.0/state/statestore`, { body: big, headers: { 'content-type': 'application/json' } });
  t.is(res.status, 413);
  t.is(res.json<{ errorCode: string }>().errorCode, 'ERR_BODY_READ');
  const small = await http('POST', `${sidecar.url}/v1.0/state/statestore`, { json: [{ key: 'k', value: 'fits' }] });
  t.is(small.status, 204, 'the sidecar still serves after refusing a large body');
});
