import test from 'ava';
import { Redis } from 'ioredis';
import { startApp } from '../../harness/app.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startSidecar } from '../../harness/sidecar.js';
import { TcpProxy } from '../../harness/tcp-proxy.js';

test('while Redis is unreachable get is 500 ERR_CONFIGURATION_GET; afterwards get works and subscriptions deliver again', async (t) => {
  const target = redisAddress();
  const proxy = await TcpProxy.start(target);
  t.teardown(() => proxy.close());
  const redis = new Redis({ ...target, db: 9 });
  const key = uniqueId('cfg-outage');
  t.teardown(async () => {
    await redis.del(key);
    redis.disconnect();
  });
  const app = await startApp(t, (_req, res) => void res.writeHead(200).end());
  const dir = await resourcesDir(t, { 'c.yaml': componentYaml('cfg', 'configuration.redis', { redisHost: `127.0.0.1:${proxy.port}`, redisDB: '9' }) });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir], appPort: app.port });
  const url = `${sidecar.url}/v1.0/configuration/cfg`;
  await redis.set(key, 'before||1');
  t.is((await http('GET', `${url}/subscribe?key=${key}`)).status, 200);

  await proxy.cut();
  const during = await http('GET', `${url}?key=${key}`);
  t.is(during.status, 500);
  t.is(during.json<DaprErrorBody>().errorCode, 'ERR_CONFIGURATION_GET');
  t.regex(during.json<DaprErrorBody>().message, new RegExp(`^failed to get ${key} from Configuration store cfg: redis 127.0.0.1:${proxy.port} is unreachable`));

  await proxy.restore();
  await waitUntil('get works again', async () => (await http('GET', `${url}?key=${key}`)).status === 200, { timeoutMs: 15_000, intervalMs: 100 });
  const pushed = () => app.calls().filter((r) => r.url === `/configuration/cfg/${key}`).map((r) => r.body.toString());
  // The subscriber connection comes back on its own schedule: write until a change arrives.
  let version = 1;
  await waitUntil('a change is pushed again', async () => {
    await redis.set(key, `after||${++version}`);
    return pushed().length > 0;
  }, { timeoutMs: 20_000, intervalMs: 250 });
  t.regex(pushed()[0]!, /"value":"after"/);
});
