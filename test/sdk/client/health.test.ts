import test from 'ava';
import { freePortForTest } from '../../harness/ports.js';
import { startSidecar } from '../../harness/sidecar.js';
import { OutriggerClient, RequestTimeoutError } from '../../../sdk/src/index.js';

test('waitUntilReady resolves at once for a running sidecar', async (t) => {
  const sidecar = await startSidecar(t);
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());
  await t.notThrowsAsync(client.health.waitUntilReady({ timeoutMs: 5_000 }));
  t.true(await client.health.isReady());
});

test('waitUntilReady keeps polling until a sidecar starting later is up', async (t) => {
  const port = await freePortForTest();
  const client = new OutriggerClient({ port });
  t.teardown(() => client.close());
  t.false(await client.health.isReady(), 'nothing listens yet');
  const ready = client.health.waitUntilReady({ timeoutMs: 30_000, intervalMs: 50 });
  // The harness's port 0 comes first; the later flag wins.
  await startSidecar(t, { args: ['--dapr-http-port', String(port)] });
  await t.notThrowsAsync(ready);
});

test('waitUntilReady gives up with RequestTimeoutError when nothing answers', async (t) => {
  const port = await freePortForTest();
  const client = new OutriggerClient({ port });
  t.teardown(() => client.close());
  const started = Date.now();
  const err = await t.throwsAsync(client.health.waitUntilReady({ timeoutMs: 300, intervalMs: 50 }), { instanceOf: RequestTimeoutError });
  t.is(err?.timeoutMs, 300);
  t.regex(err?.message ?? '', new RegExp(String(port)));
  t.true(Date.now() - started < 5_000);
});

test('waitUntilReady stops when its signal aborts', async (t) => {
  const port = await freePortForTest();
  const client = new OutriggerClient({ port });
  t.teardown(() => client.close());
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('shutting down')), 100);
  await t.throwsAsync(client.health.waitUntilReady({ timeoutMs: 10_000, intervalMs: 20, signal: controller.signal }), { message: 'shutting down' });
});
