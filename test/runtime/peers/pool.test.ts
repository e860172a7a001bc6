import test from 'ava';
import { apiErrors } from '../../../runtime/src/errors/index.js';
import {
  PeerError,
  PeerFailureError,
  PeerUnavailableError,
  type PeerHandler,
  type PeerIdentity,
} from '../../../runtime/src/peers/index.js';
import { waitUntil } from '../../harness/eventually.js';
import { freePortForTest } from '../../harness/ports.js';
import { TcpProxy } from '../../harness/tcp-proxy.js';
import { countingProxy, invoke, startPool, startServer } from './fixtures.js';

/** A handler that holds every request until the test releases it or the link aborts it. */
function heldHandler() {
  const held: Array<{ release: () => void; signal: AbortSignal }> = [];
  const handler: PeerHandler = {
    invoke: (request, _caller, signal) =>
      new Promise((resolve) => {
        held.push({ signal, release: () => resolve({ status: 200, headers: {}, body: request.call.body }) });
      }),
  };
  return { handler, held };
}

test('pool round trip carries verb, path, query, multi-valued headers and binary bodies both ways', async (t) => {
  const server = await startServer(t, {
    async invoke(request) {
      const { call } = request;
      return {
        status: 201,
        headers: { 'set-cookie': ['a=1', 'b=2'], 'x-seen': JSON.stringify([call.verb, call.path, call.query, call.headers]) },
        body: call.body.slice().reverse(),
      };
    },
  });
  const pool = startPool(t);
  const body = Uint8Array.from({ length: 256 }, (_, i) => i);
  const headers = { accept: ['text/plain', 'application/json'], 'x-one': 'v' };
  const response = await pool.request(server.address, invoke({ verb: 'PUT', path: 'a/b', query: 'x=1&y=%20', headers, body }), 5_000);
  t.is(response.status, 201);
  t.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
  t.deepEqual(JSON.parse(response.headers['x-seen'] as string), ['PUT', 'a/b', 'x=1&y=%20', headers]);
  t.deepEqual([...response.body], [...body].reverse());
});

test('pool the handler sees the caller identity of the hello', async (t) => {
  const callers: PeerIdentity[] = [];
  const server = await startServer(t, {
    async invoke(request, caller) {
      callers.push(caller);
      return { status: 204, headers: {}, body: request.call.body };
    },
  });
  const pool = startPool(t, { hostId: 'h-7', appId: 'checkout', namespace: 'shop' });
  await pool.request(server.address, invoke(), 5_000);
  t.deepEqual(callers, [{ hostId: 'h-7', appId: 'checkout', namespace: 'shop' }]);
});

test('pool 1,000 concurrent requests share one link and each gets its own answer', async (t) => {
  const server = await startServer(t);
  const proxy = await countingProxy(t, server.port);
  const pool = startPool(t);
  const answers = await Promise.all(
    Array.from({ length: 1_000 }, (_, i) => pool.request(proxy.address, invoke({ path: `n/${i}`, body: Buffer.from(String(i)) }), 10_000)),
  );
  const wrong = answers.filter((a, i) => a.headers['x-echo-path'] !== `n/${i}` || Buffer.from(a.body).toString() !== String(i));
  t.is(wrong.length, 0);
  t.is(proxy.connections(), 1);
  await pool.request(proxy.address, invoke(), 5_000);
  t.is(proxy.connections(), 1, 'the link is reused by later requests');
});

test('pool an ApiError from the handler is a PeerFailureError with its code and status', async (t) => {
  const server = await startServer(t, {
    invoke: async () => {
      throw apiErrors.invokeFailed('callee', 'the app at http://127.0.0.1:1 refused the connection');
    },
  });
  const pool = startPool(t);
  const error = await t.throwsAsync(pool.request(server.address, invoke(), 5_000), { instanceOf: PeerFailureError });
  t.is(error.code, 'PEER_FAILURE');
  t.is(error.errorCode, 'ERR_DIRECT_INVOKE');
  t.is(error.status, 500);
  t.is(error.message, 'failed to invoke, id: callee, err: the app at http://127.0.0.1:1 refused the connection');
});

test('pool any other handler error is an ERR_INTERNAL failure that hides the detail', async (t) => {
  const server = await startServer(t, {
    invoke: async () => {
      throw new Error('secret detail');
    },
  });
  const pool = startPool(t);
  const error = await t.throwsAsync(pool.request(server.address, invoke(), 5_000), { instanceOf: PeerFailureError });
  t.is(error.errorCode, 'ERR_INTERNAL');
  t.is(error.status, 500);
  t.notRegex(error.message, /secret/);
});

test('pool the server closing fails pending requests with PeerUnavailableError and the next request reconnects', async (t) => {
  const { handler, held } = heldHandler();
  const first = await startServer(t, handler);
  const pool = startPool(t);
  const pending = [pool.request(first.address, invoke(), 10_000), pool.request(first.address, invoke(), 10_000)];
  await waitUntil('both requests reached the handler', () => held.length === 2);
  await first.close();
  for (const request of pending) {
    const error = await t.throwsAsync(request, { instanceOf: PeerUnavailableError });
    t.is(error.code, 'PEER_UNAVAILABLE');
  }
  t.true(held.every((h) => h.signal.aborted), 'the server abandons the requests of a closed link');
  await startServer(t, undefined, { port: first.port });
  const response = await pool.request(first.address, invoke({ body: Buffer.from('again') }), 5_000);
  t.is(Buffer.from(response.body).toString(), 'again');
});

test('pool a link cut under pending requests fails them as unavailable; the next request opens a new link', async (t) => {
  const { handler, held } = heldHandler();
  const server = await startServer(t, handler);
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: server.port });
  t.teardown(() => proxy.close());
  const pool = startPool(t);
  const pending = pool.request(proxy.address, invoke(), 10_000);
  await waitUntil('the request reached the handler', () => held.length === 1);
  await proxy.cut();
  await t.throwsAsync(pending, { instanceOf: PeerUnavailableError });
  await proxy.restore();
  const next = pool.request(proxy.address, invoke(), 10_000);
  await waitUntil('the next request reached the handler', () => held.length === 2);
  held[1]!.release();
  t.is((await next).status, 200);
});

test('pool a peer nobody listens for is PeerUnavailableError', async (t) => {
  const port = await freePortForTest();
  const pool = startPool(t);
  const error = await t.throwsAsync(pool.request(`127.0.0.1:${port}`, invoke(), 5_000), { instanceOf: PeerUnavailableError });
  t.regex(error.message, /could not connect to the peer at 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
});

test('pool a request without an answer in time fails with PEER_TIMEOUT and the callee abandons it', async (t) => {
  const { handler, held } = heldHandler();
  const server = await startServer(t, handler);
  const pool = startPool(t);
  const error = await t.throwsAsync(pool.request(server.address, invoke(), 100), { instanceOf: PeerError });
  t.is(error.code, 'PEER_TIMEOUT');
  await waitUntil('the callee aborted the request', () => held[0]?.signal.aborted === true);
  held[0]!.release();
  const next = pool.request(server.address, invoke(), 5_000);
  await waitUntil('the next request reached the handler', () => held.length === 2);
  held[1]!.release();
  t.is((await next).status, 200, 'the link outlives a timed-out request, and its late answer is ignored');
});

test('pool a request over the message limit fails alone with PEER_TOO_LARGE', async (t) => {
  const server = await startServer(t);
  const pool = startPool(t, { maxMessageBytes: 64 * 1024 });
  const big = pool.request(server.address, invoke({ body: new Uint8Array(100 * 1024) }), 5_000);
  const small = pool.request(server.address, invoke({ body: Buffer.from('ok') }), 5_000);
  const error = await t.throwsAsync(big, { instanceOf: PeerError });
  t.is(error.code, 'PEER_TOO_LARGE');
  t.is(Buffer.from((await small).body).toString(), 'ok');
});

test('pool closing fails pending and later requests with PEER_CLOSED', async (t) => {
  const { handler, held } = heldHandler();
  const server = await startServer(t, handler);
  const pool = startPool(t);
  const pending = pool.request(server.address, invoke(), 10_000);
  await waitUntil('the request reached the handler', () => held.length === 1);
  await pool.close();
  t.is((await t.throwsAsync(pending, { instanceOf: PeerError })).code, 'PEER_CLOSED');
  t.is((await t.throwsAsync(pool.request(server.address, invoke(), 1_000), { instanceOf: PeerError })).code, 'PEER_CLOSED');
});

// Known bug in the shared codec (placement/src/protocol/codec.ts `headers()`): items of a
// multi-valued header must be 1–1,024 characters, so a long Set-Cookie list closes the whole
// link. Flip to `test` once header list items are validated as plain strings.
test('pool a multi-valued header item over 1,024 characters crosses the link', async (t) => {
  const cookie = `session=${'x'.repeat(2_000)}`;
  const server = await startServer(t, { invoke: async () => ({ status: 200, headers: { 'set-cookie': [cookie, 'b=1'] }, body: new Uint8Array() }) });
  const pool = startPool(t);
  const response = await pool.request(server.address, invoke(), 5_000);
  t.deepEqual(response.headers['set-cookie'], [cookie, 'b=1']);
});
