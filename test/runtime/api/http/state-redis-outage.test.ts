import test from 'ava';
import { componentYaml, resourcesDir } from '../../../harness/files.js';
import { waitUntil } from '../../../harness/eventually.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { redisAddress } from '../../../harness/ids.js';
import { startSidecar } from '../../../harness/sidecar.js';
import { TcpProxy } from '../../../harness/tcp-proxy.js';

test('while Redis is unreachable the API answers 500 with a clear message, and serves again once it is back', async (t) => {
  const proxy = await TcpProxy.start(redisAddress());
  t.teardown(() => proxy.close());
  const dir = await resourcesDir(t, { 'r.yaml': componentYaml('store', 'state.redis', { redisHost: `127.0.0.1:${proxy.port}` }) });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const state = `${sidecar.url}/v1.0/state/store`;
  t.is((await http('POST', state, { json: [{ key: 'k', value: 'before' }] })).status, 204);

  await proxy.cut();
  const save = await http('POST', state, { json: [{ key: 'k', value: 'during' }] });
  t.is(save.status, 500);
  t.is(save.json<DaprErrorBody>().errorCode, 'ERR_STATE_SAVE');
  t.regex(save.json<DaprErrorBody>().message, new RegExp(`redis 127.0.0.1:${proxy.port} is unreachable`));
  const get = await http('GET', `${state}/k`);
  t.is(get.status, 500);
  t.is(get.json<DaprErrorBody>().errorCode, 'ERR_STATE_GET');
  t.is((await http('GET', `${sidecar.url}/v1.0/healthz`)).status, 204, 'the sidecar itself stays up');

  await proxy.restore();
  await waitUntil('saves work again', async () => (await http('POST', state, { json: [{ key: 'k', value: 'after' }] })).status === 204, {
    timeoutMs: 15_000,
    intervalMs: 100,
  });
  t.is((await http('GET', `${state}/k`)).text, '"after"');
});
