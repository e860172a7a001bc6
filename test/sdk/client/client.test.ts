/**
 * The client's own behaviour (options, token, timeouts, cancellation, transport failures),
 * checked against a fake sidecar that records what it receives.
 */
import test from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp } from '../../harness/app.js';
import { freePortForTest } from '../../harness/ports.js';
import { OutriggerClient, OutriggerError, RequestTimeoutError, SidecarError, TransportError } from '../../../sdk/src/index.js';

/** A stand-in sidecar answering every request with 204. */
const fakeSidecar = (t: Parameters<typeof startApp>[0]) => startApp(t, (_req, res) => void res.writeHead(204).end());

/** Runs `fn` with env variables set (undefined = unset), then restores them. Serial tests only. */
async function withEnv(vars: Record<string, string | undefined>, fn: () => Promise<void> | void): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}

test.serial('defaults: 127.0.0.1:3500 and no token', async (t) => {
  await withEnv({ DAPR_HTTP_PORT: undefined, DAPR_API_TOKEN: undefined }, async () => {
    const client = new OutriggerClient();
    t.is(client.address, '127.0.0.1:3500');
    await client.close();
  });
});

test.serial('DAPR_HTTP_PORT and DAPR_API_TOKEN are the defaults for port and token', async (t) => {
  const sidecar = await fakeSidecar(t);
  await withEnv({ DAPR_HTTP_PORT: String(sidecar.port), DAPR_API_TOKEN: 'from-env' }, async () => {
    const client = new OutriggerClient();
    t.teardown(() => client.close());
    t.is(client.address, `127.0.0.1:${sidecar.port}`);
    await client.metadata.set('k', 'v');
    t.is(sidecar.requests[0]?.headers['dapr-api-token'], 'from-env');
  });
});

test.serial('options win over the environment', async (t) => {
  const sidecar = await fakeSidecar(t);
  await withEnv({ DAPR_HTTP_PORT: '1', DAPR_API_TOKEN: 'from-env' }, async () => {
    const client = new OutriggerClient({ host: 'localhost', port: sidecar.port, apiToken: 'from-option' });
    t.teardown(() => client.close());
    await client.state.delete('s', 'k');
    t.is(sidecar.requests[0]?.headers['dapr-api-token'], 'from-option');
  });
});

test.serial('a bad port is refused up front, naming where it came from', (t) => {
  t.throws(() => new OutriggerClient({ port: 0 }), { instanceOf: RangeError, message: /port option/ });
  t.throws(() => new OutriggerClient({ timeoutMs: 0 }), { instanceOf: RangeError, message: /timeoutMs/ });
  return withEnv({ DAPR_HTTP_PORT: 'http' }, () => {
    t.throws(() => new OutriggerClient(), { instanceOf: RangeError, message: /DAPR_HTTP_PORT.*http/ });
  });
});

test('no token header is sent without a token', async (t) => {
  const sidecar = await fakeSidecar(t);
  const client = new OutriggerClient({ port: sidecar.port, apiToken: '' });
  t.teardown(() => client.close());
  await client.state.delete('s', 'k');
  t.false('dapr-api-token' in sidecar.requests[0]!.headers);
});

test('calls reuse keep-alive connections', async (t) => {
  const server = createServer((_req, res) => void res.writeHead(204).end());
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  const client = new OutriggerClient({ port: (server.address() as AddressInfo).port });
  t.teardown(() => client.close());
  for (let i = 0; i < 10; i++) await client.state.delete('s', `k${i}`);
  // undici frees a connection a tick after the answer is read, so back-to-back calls may open a second one.
  t.true(connections <= 2, `${connections} connections for 10 calls`);
});

test('a call with no answer times out with RequestTimeoutError; per call or client-wide', async (t) => {
  const silent = await startApp(t, () => new Promise<void>(() => undefined));
  const client = new OutriggerClient({ port: silent.port, timeoutMs: 150 });
  t.teardown(() => client.close());
  const err = await t.throwsAsync(client.metadata.get(), { instanceOf: RequestTimeoutError });
  t.true(err instanceof TransportError);
  t.true(err instanceof OutriggerError);
  t.is(err?.name, 'RequestTimeoutError');
  t.is(err?.timeoutMs, 150);
  t.regex(err?.message ?? '', /GET \/v1\.0\/metadata.*150 ms/);
  const perCall = await t.throwsAsync(client.state.get('s', 'k', { timeoutMs: 50 }), { instanceOf: RequestTimeoutError });
  t.is(perCall?.timeoutMs, 50);
});

test('an aborted signal cancels the call with its reason', async (t) => {
  const silent = await startApp(t, () => new Promise<void>(() => undefined));
  const client = new OutriggerClient({ port: silent.port });
  t.teardown(() => client.close());
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('user gave up')), 50);
  await t.throwsAsync(client.invoke.call('app', 'slow', { signal: controller.signal }), { message: 'user gave up' });
  // An already-aborted signal rejects before anything is sent (with a DOMException, which ava's throwsAsync refuses).
  const reason = await client.state.get('s', 'k', { signal: AbortSignal.abort() }).then(() => undefined, (err: unknown) => err);
  t.is((reason as { name?: string } | undefined)?.name, 'AbortError');
  t.is(silent.requests.length, 1);
});

test('an unreachable sidecar is a TransportError naming the address', async (t) => {
  const port = await freePortForTest();
  const client = new OutriggerClient({ port });
  t.teardown(() => client.close());
  const err = await t.throwsAsync(client.state.get('s', 'k'), { instanceOf: TransportError });
  t.false(err instanceof RequestTimeoutError);
  t.is(err?.name, 'TransportError');
  t.regex(err?.message ?? '', new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
  t.truthy(err?.cause);
});

test('a non-Dapr error answer is a SidecarError ERR_UNKNOWN carrying the text', async (t) => {
  const proxy = await startApp(t, (_req, res) => void res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway'));
  const client = new OutriggerClient({ port: proxy.port });
  t.teardown(() => client.close());
  const err = await t.throwsAsync(client.metadata.get(), { instanceOf: SidecarError });
  t.is(err?.status, 502);
  t.is(err?.errorCode, 'ERR_UNKNOWN');
  t.is(err?.message, 'Bad Gateway');
});

test('close() is idempotent and later calls fail as TransportError', async (t) => {
  const sidecar = await fakeSidecar(t);
  const client = new OutriggerClient({ port: sidecar.port });
  await client.state.delete('s', 'k');
  await client.close();
  await t.notThrowsAsync(client.close());
  await t.throwsAsync(client.state.delete('s', 'k'), { instanceOf: TransportError });
});

test('state paths and queries are built as Dapr expects', async (t) => {
  const sidecar = await fakeSidecar(t);
  const client = new OutriggerClient({ port: sidecar.port });
  t.teardown(() => client.close());
  await client.state.delete('my-store', 'a/b c', { etag: '7', concurrency: 'first-write', metadata: { partitionKey: 'p 1' } });
  const request = sidecar.requests[0]!;
  t.is(request.method, 'DELETE');
  t.is(request.url, '/v1.0/state/my-store/a%2Fb%20c?concurrency=first-write&metadata.partitionKey=p+1');
  t.is(request.headers['if-match'], '7');
  await client.state.transaction('my-store', [{ operation: 'delete', request: { key: 'x' } }], { metadata: { m: '1' } });
  t.deepEqual(JSON.parse(sidecar.requests[1]!.body.toString()), { operations: [{ operation: 'delete', request: { key: 'x' } }], metadata: { m: '1' } });
  await client.state.getBulk('my-store', ['x'], { parallelism: 3 }).catch(() => undefined);
  t.is(sidecar.requests[2]!.url, '/v1.0/state/my-store/bulk');
  t.deepEqual(JSON.parse(sidecar.requests[2]!.body.toString()), { keys: ['x'], parallelism: 3 });
});
