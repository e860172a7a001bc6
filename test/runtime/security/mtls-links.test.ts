/** Peer links under mutual TLS: the caller is who its certificate says, and nobody else gets a link. */
import test from 'ava';
import { PeerError, PeerUnavailableError, type PeerHandler } from '../../../runtime/src/peers/index.js';
import { waitUntil } from '../../harness/eventually.js';
import { invoke, recordingLogger, startPool, startServer } from '../peers/fixtures.js';
import { testAuthority } from './mtls-certs.js';

/** Answers with the identity the link gave the caller. */
const whoCalls: PeerHandler = {
  async invoke(_request, caller) {
    const body = JSON.stringify({ appId: caller.appId, namespace: caller.namespace, trustDomain: caller.trustDomain });
    return { status: 200, headers: {}, body: Buffer.from(body) };
  },
};

function callerOf(body: Uint8Array): unknown {
  return JSON.parse(Buffer.from(body).toString());
}

test('a link between certificates of one CA carries the identity the caller\'s certificate proves', async (t) => {
  const ca = await testAuthority(t);
  const server = await startServer(t, whoCalls, { appId: 'callee', tls: await ca.credentials('callee') });
  const pool = startPool(t, { appId: 'shop', namespace: 'default', tls: await ca.credentials('shop') });
  const response = await pool.request(server.address, invoke(), 5_000);
  t.deepEqual(callerOf(response.body), { appId: 'shop', namespace: 'default', trustDomain: 'public' });
});

test('a caller with a certificate from another CA, or with none, gets no link', async (t) => {
  const [ca, stranger] = [await testAuthority(t), await testAuthority(t)];
  const { logger, lines } = recordingLogger();
  const server = await startServer(t, whoCalls, { appId: 'callee', tls: await ca.credentials('callee'), logger });
  // It trusts the server's CA, but its own certificate comes from another one.
  const foreign = { ...(await stranger.credentials('shop')), ca: ca.authority.cert };
  const withForeignCert = startPool(t, { appId: 'shop', tls: foreign });
  await t.throwsAsync(withForeignCert.request(server.address, invoke(), 5_000), { instanceOf: PeerUnavailableError });
  await waitUntil('the server logs the refused handshake', () => lines.some((l) => l.msg === 'refused a peer link: no valid client certificate'));

  const plain = startPool(t, { appId: 'shop' });
  await t.throwsAsync(plain.request(server.address, invoke(), 5_000), { instanceOf: PeerUnavailableError });
});

test('a hello that claims another app id than the caller\'s certificate closes the link', async (t) => {
  const ca = await testAuthority(t);
  const { logger, lines } = recordingLogger();
  const server = await startServer(t, whoCalls, { appId: 'callee', tls: await ca.credentials('callee'), logger });
  const impostor = startPool(t, { appId: 'admin', tls: await ca.credentials('shop') });
  const error = await t.throwsAsync(impostor.request(server.address, invoke(), 5_000), { instanceOf: PeerError });
  t.is(error?.code, 'PEER_REFUSED');
  t.true(lines.some((l) => l.code === 'PROTO_UNAUTHENTICATED' && /claims app id "admin".*spiffe:\/\/public\/ns\/default\/shop/.test(l.reason ?? '')));

  const otherNamespace = startPool(t, { appId: 'shop', namespace: 'prod', tls: await ca.credentials('shop') });
  const refused = await t.throwsAsync(otherNamespace.request(server.address, invoke(), 5_000), { instanceOf: PeerError });
  t.is(refused?.code, 'PEER_REFUSED');
});

test('a caller drops a server whose hello is not its certificate\'s identity', async (t) => {
  const ca = await testAuthority(t);
  const server = await startServer(t, whoCalls, { appId: 'billing', tls: await ca.credentials('orders') });
  const pool = startPool(t, { appId: 'shop', tls: await ca.credentials('shop') });
  const error = await t.throwsAsync(pool.request(server.address, invoke({}, 'billing'), 5_000), { instanceOf: PeerError });
  t.is(error?.code, 'PEER_REFUSED');
});

test('a certificate of another trust domain is refused, even from the same CA', async (t) => {
  const ca = await testAuthority(t);
  const { logger, lines } = recordingLogger();
  const server = await startServer(t, whoCalls, { appId: 'callee', tls: await ca.credentials('callee'), logger });
  const elsewhere = { ...(await ca.credentials('shop', { trustDomain: 'elsewhere' })), trustDomain: 'public' };
  const pool = startPool(t, { appId: 'shop', tls: elsewhere });
  const error = await t.throwsAsync(pool.request(server.address, invoke(), 5_000), { instanceOf: PeerError });
  t.is(error?.code, 'PEER_REFUSED');
  t.true(lines.some((l) => l.msg === 'refused a peer link' && /not in trust domain public/.test(l.reason ?? '')));
});
