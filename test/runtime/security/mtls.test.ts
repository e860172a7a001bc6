/** Sidecars and the placement under mutual TLS, as real processes: who gets in, and who does not. */
import test from 'ava';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { PROTOCOL_VERSION, PLACEMENT_WS_PATH, decode, encode, startPlacement, type PlacementToSidecar } from '@outrigger/placement';
import { WebSocket } from 'ws';
import { waitUntil } from '../../harness/eventually.js';
import { http } from '../../harness/http.js';
import { uniqueId } from '../../harness/ids.js';
import { startPlacementProcess } from '../../harness/placement.js';
import { freePortForTest } from '../../harness/ports.js';
import { runCli, startSidecar } from '../../harness/sidecar.js';
import { actorApp, settled } from '../../e2e/cluster/cluster-helpers.js';
import { PLACEMENT_APP_ID, testAuthority } from './mtls-certs.js';

test('two sidecars with certificates from one CA invoke each other and call actors over mTLS', async (t) => {
  const ca = await testAuthority(t);
  const placement = await startPlacementProcess(t, [], 0, await ca.issue(PLACEMENT_APP_ID));
  const [ordersId, shopId] = [uniqueId('orders'), uniqueId('shop')];
  const orders = await actorApp(t, ordersId, ['Counter']);
  const ordersSidecar = await startSidecar(t, { appId: ordersId, appPort: orders.port, placement: placement.address, mtlsDir: await ca.issue(ordersId) });
  const shopSidecar = await startSidecar(t, { appId: shopId, placement: placement.address, mtlsDir: await ca.issue(shopId) });
  await settled(placement, [ordersSidecar, shopSidecar], [ordersId, shopId]);

  const invoked = await http('POST', `${shopSidecar.url}/v1.0/invoke/${ordersId}/method/orders`, { body: 'x', headers: { 'dapr-caller-app-id': 'forged' } });
  t.is(invoked.status, 200);
  t.is(invoked.text, `${ordersId}:/orders`);
  t.is(orders.calls().at(-1)?.headers['dapr-caller-app-id'], shopId);

  const actorCall = await http('PUT', `${shopSidecar.url}/v1.0/actors/Counter/c1/method/incr`, { body: '{}' });
  t.is(actorCall.status, 200);
  t.is(actorCall.text, `${ordersId}:/actors/Counter/c1/method/incr`);
});

test('with mTLS only a sidecar holding the placement\'s certificate hosts the embedded placement; the others join it', async (t) => {
  const ca = await testAuthority(t);
  const port = await freePortForTest();
  const [ordersId, shopId] = [uniqueId('orders'), uniqueId('shop')];
  const ordersDir = await ca.issue(ordersId);
  await ca.issue(PLACEMENT_APP_ID, { dir: join(ordersDir, 'placement') });
  const args = ['--embedded-placement-port', String(port)];
  const shopSidecar = await startSidecar(t, { appId: shopId, args, mtlsDir: await ca.issue(shopId) });
  await waitUntil('the shop sidecar says it cannot host the placement', () => shopSidecar.output().includes('never hosts it'));
  const orders = await actorApp(t, ordersId, []);
  const ordersSidecar = await startSidecar(t, { appId: ordersId, appPort: orders.port, args, mtlsDir: ordersDir });
  await waitUntil('the orders sidecar hosts the embedded placement', () => ordersSidecar.output().includes('hosting one in this sidecar'));
  await waitUntil(
    'the shop reaches the orders app',
    async () => (await http('GET', `${shopSidecar.url}/v1.0/invoke/${ordersId}/method/ping`)).status === 200,
    { timeoutMs: 20_000 },
  );
  t.is(orders.calls().at(-1)?.headers['dapr-caller-app-id'], shopId);
});

/** Opens a wss connection to the placement with the given TLS options; resolves with how it ended. */
function connectToPlacement(address: string, tls: object, register: { appId: string; namespace: string }) {
  return new Promise<{ opened: boolean; error?: string; refused?: PlacementToSidecar; closeCode?: number }>((resolve) => {
    const socket = new WebSocket(`wss://${address}${PLACEMENT_WS_PATH}`, { ...tls, checkServerIdentity: () => undefined } as object);
    let outcome: { opened: boolean; error?: string; refused?: PlacementToSidecar } = { opened: false };
    socket.on('open', () => {
      outcome.opened = true;
      const host = { hostId: `${register.appId}@127.0.0.1:1`, address: '127.0.0.1:1', actorTypes: [], ...register };
      socket.send(encode({ kind: 'register', v: PROTOCOL_VERSION, host }));
    });
    socket.on('message', (data) => (outcome = { ...outcome, refused: decode(data as Buffer, 'sidecar')[0] }));
    socket.on('error', (err) => (outcome = { ...outcome, error: err.message }));
    socket.on('close', (code) => resolve({ ...outcome, closeCode: code }));
  });
}

async function tlsOf(dir: string) {
  const [ca, cert, key] = await Promise.all(['ca.crt', 'tls.crt', 'tls.key'].map((f) => readFile(join(dir, f), 'utf8')));
  return { ca, cert, key };
}

test('the placement refuses a sidecar without a certificate from its CA, and one that registers as another app', async (t) => {
  const [ca, stranger] = [await testAuthority(t), await testAuthority(t)];
  const placement = await startPlacementProcess(t, [], 0, await ca.issue(PLACEMENT_APP_ID));
  const trusted = await tlsOf(await ca.issue('shop'));
  const register = { appId: 'shop', namespace: 'default' };

  const noCert = await connectToPlacement(placement.address, { ca: trusted.ca }, register);
  t.false(noCert.opened);
  const foreignCert = await connectToPlacement(placement.address, { ...(await tlsOf(await stranger.issue('shop'))), ca: trusted.ca }, register);
  t.false(foreignCert.opened);
  await waitUntil('the placement logs the refused handshakes', () => placement.output().split('refused a TLS connection').length > 2);

  const impostor = await connectToPlacement(placement.address, trusted, { appId: 'admin', namespace: 'default' });
  t.true(impostor.opened);
  t.is(impostor.closeCode, 1008);
  t.like(impostor.refused, { kind: 'refused', code: 'PLACEMENT_UNAUTHENTICATED' });
  t.deepEqual((await placement.state()).namespaces, {});
});

test('a sidecar refuses a placement whose certificate is not the placement\'s identity', async (t) => {
  const ca = await testAuthority(t);
  const impostor = await startPlacement({ port: 0, tls: await ca.credentials('impostor') });
  t.teardown(() => impostor.close());
  const appId = uniqueId('shop');
  const sidecar = await startSidecar(t, { appId, placement: `127.0.0.1:${impostor.port}`, mtlsDir: await ca.issue(appId) });
  await waitUntil('the sidecar refuses the placement', () => sidecar.output().includes('spiffe://public/ns/default/impostor is not the placement'));
  t.deepEqual(impostor.state().namespaces, {});
});

test('a sidecar with mTLS does not start without its folder, or with a certificate for another app', async (t) => {
  const ca = await testAuthority(t);
  const noDir = await runCli(['sidecar', '--app-id', 'shop', '--enable-mtls']);
  t.is(noDir.code, 1);
  t.regex(noDir.output, /--enable-mtls and --mtls-dir go together/);

  const otherApp = await runCli(['sidecar', '--app-id', 'shop', '--dapr-http-port', '0', '--metrics-port', '0', '--enable-mtls', '--mtls-dir', await ca.issue('orders')]);
  t.is(otherApp.code, 1);
  t.regex(otherApp.output, /is the certificate of spiffe:\/\/public\/ns\/default\/orders, not of spiffe:\/\/public\/ns\/default\/shop/);

  const appCertForPlacement = await runCli(['placement', '--port', '0', '--metrics-port', '0', '--enable-mtls', '--mtls-dir', await ca.issue('orders')]);
  t.is(appCertForPlacement.code, 1);
  t.regex(appCertForPlacement.output, /not the placement's/);
});
