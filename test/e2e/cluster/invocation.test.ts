/** Service invocation between apps of one cluster, each app with its own sidecar process. */
import test from 'ava';
import { startApp } from '../../harness/app.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { uniqueId } from '../../harness/ids.js';
import { startPlacementProcess } from '../../harness/placement.js';
import { startSidecar } from '../../harness/sidecar.js';
import { member, settled } from './cluster-helpers.js';

test('an app reaches another app through both sidecars with body, headers, query and status intact', async (t) => {
  const placement = await startPlacementProcess(t);
  const orders = await startApp(t, (req, res) => {
    if (req.url === '/dapr/config') return void res.writeHead(404).end();
    res.writeHead(201, { 'content-type': 'application/json', 'x-orders': 'yes' });
    res.end(JSON.stringify({ got: req.body.toString(), url: req.url, caller: req.headers['dapr-caller-app-id'], trace: req.headers['traceparent'] }));
  });
  const [ordersId, shopId] = [uniqueId('orders'), uniqueId('shop')];
  const ordersSidecar = await startSidecar(t, { appId: ordersId, appPort: orders.port, placement: placement.address });
  const shopSidecar = await startSidecar(t, { appId: shopId, placement: placement.address });
  await settled(placement, [ordersSidecar, shopSidecar], [ordersId, shopId]);

  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const res = await http('POST', `${shopSidecar.url}/v1.0/invoke/${ordersId}/method/api/orders?sku=42&n=2`, {
    body: 'two widgets',
    headers: { 'content-type': 'text/plain', traceparent, 'dapr-caller-app-id': 'forged' },
  });
  t.is(res.status, 201);
  t.is(res.headers.get('x-orders'), 'yes');
  t.deepEqual(res.json(), { got: 'two widgets', url: '/api/orders?sku=42&n=2', caller: shopId, trace: traceparent });

  const viaHeader = await http('GET', `${shopSidecar.url}/api/orders?x=1`, { headers: { 'dapr-app-id': ordersId } });
  t.is(viaHeader.status, 201);
  t.is(viaHeader.json<{ url: string }>().url, '/api/orders?x=1');
});

test('instances of one app id share the calls round-robin; an error status passes through', async (t) => {
  const placement = await startPlacementProcess(t);
  const appId = uniqueId('worker');
  const callerId = uniqueId('caller');
  const w1 = await member(t, placement, appId, []);
  const w2 = await member(t, placement, appId, []);
  const caller = await startSidecar(t, { appId: callerId, placement: placement.address });
  await settled(placement, [w1.sidecar, w2.sidecar, caller], [appId, appId, callerId]);

  for (let i = 0; i < 6; i++) t.is((await http('GET', `${caller.url}/v1.0/invoke/${appId}/method/job`)).status, 200);
  t.is(w1.app.calls().length, 3);
  t.is(w2.app.calls().length, 3);

  const teapot = await startApp(t, (req, res) => void (req.url === '/dapr/config' ? res.writeHead(404).end() : res.writeHead(418).end('short and stout')));
  const teapotId = uniqueId('teapot');
  const teapotSidecar = await startSidecar(t, { appId: teapotId, appPort: teapot.port, placement: placement.address });
  await settled(placement, [caller, teapotSidecar], [appId, appId, callerId, teapotId]);
  const res = await http('GET', `${caller.url}/v1.0/invoke/${teapotId}/method/brew`);
  t.is(res.status, 418);
  t.is(res.text, 'short and stout');
});

test('an unknown app id and an unreachable app are 500 ERR_DIRECT_INVOKE with clear messages', async (t) => {
  const placement = await startPlacementProcess(t);
  const [callerId, deadId] = [uniqueId('caller'), uniqueId('dead')];
  const caller = await startSidecar(t, { appId: callerId, placement: placement.address });
  const dead = await startSidecar(t, { appId: deadId, appPort: 1, placement: placement.address });
  await settled(placement, [caller, dead], [callerId, deadId]);

  const unknown = await http('GET', `${caller.url}/v1.0/invoke/nobody-${callerId}/method/x`);
  t.is(unknown.status, 500);
  t.is(unknown.json<DaprErrorBody>().errorCode, 'ERR_DIRECT_INVOKE');
  t.regex(unknown.json<DaprErrorBody>().message, /couldn't find service: nobody-/);

  const unreachable = await http('GET', `${caller.url}/v1.0/invoke/${deadId}/method/x`);
  t.is(unreachable.status, 500);
  t.is(unreachable.json<DaprErrorBody>().errorCode, 'ERR_DIRECT_INVOKE');
  t.regex(unreachable.json<DaprErrorBody>().message, /refused the connection/);
});
