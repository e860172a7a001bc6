/** The Configuration's accessControl: parsing, the decision's precedence, and a callee refusing a caller. */
import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decideAccess, parseAccessControl, type AccessControlSpec } from '../../../runtime/src/security/index.js';
import { startApp } from '../../harness/app.js';
import { tempDir } from '../../harness/files.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { uniqueId } from '../../harness/ids.js';
import { startPlacementProcess } from '../../harness/placement.js';
import { startSidecar } from '../../harness/sidecar.js';
import { settled } from '../../e2e/cluster/cluster-helpers.js';

const fail = (reason: string): never => {
  throw new Error(reason);
};

function spec(raw: unknown): AccessControlSpec {
  return parseAccessControl(raw, fail);
}

const shop = { appId: 'shop', namespace: 'default' };

test('an operation matching path and verb decides first, then the policy default, then the global one', (t) => {
  const acl = spec({
    defaultAction: 'deny',
    policies: [{
      appId: 'shop', defaultAction: 'deny', namespace: 'default', trustDomain: 'public',
      operations: [
        { name: '/orders/*', httpVerb: ['GET'], action: 'allow' },
        { name: '/admin/**', httpVerb: ['*'], action: 'deny' },
        { name: '/Reports/**', httpVerb: ['*'], action: 'allow' },
      ],
    }],
  });
  t.true(decideAccess(acl, shop, { path: 'orders/7', verb: 'get' }).allowed);
  t.false(decideAccess(acl, shop, { path: 'orders/7', verb: 'POST' }).allowed, 'another verb falls to the policy default');
  t.false(decideAccess(acl, shop, { path: 'orders/7/lines', verb: 'GET' }).allowed, '* stays within one segment');
  t.true(decideAccess(acl, shop, { path: 'reports/2026/q4', verb: 'GET' }).allowed, '** spans segments; names are matched lower-case');
  t.false(decideAccess(acl, shop, { path: 'admin/users', verb: 'GET' }).allowed);
  t.false(decideAccess(acl, { appId: 'stranger', namespace: 'default' }, { path: 'orders/1', verb: 'GET' }).allowed, 'no policy: the global default');
});

test('a policy for another namespace or trust domain does not apply; the global default does', (t) => {
  const acl = spec({ defaultAction: 'allow', policies: [{ appId: 'shop', defaultAction: 'deny', namespace: 'prod', trustDomain: 'public' }] });
  t.true(decideAccess(acl, shop, { path: 'x', verb: 'GET' }).allowed);
  t.false(decideAccess(acl, { ...shop, namespace: 'prod' }, { path: 'x', verb: 'GET' }).allowed);
  t.true(decideAccess(acl, { ...shop, namespace: 'prod', trustDomain: 'other' }, { path: 'x', verb: 'GET' }).allowed);
});

test('bad access control settings are refused with the field named', (t) => {
  t.throws(() => spec({ defaultAction: 'maybe' }), { message: /accessControl.defaultAction must be allow or deny/ });
  t.throws(() => spec({ policies: [{ defaultAction: 'allow' }] }), { message: /policies\[0\]\.appId is required/ });
  t.throws(() => spec({ policies: [{ appId: 'a', operations: [{ name: '/x' }] }] }), { message: /operations\[0\]\.action is required/ });
  t.throws(() => spec({ policies: 'all' }), { message: /policies must be a list/ });
});

test('the callee refuses an invocation its policy denies with 403 ERR_DIRECT_INVOKE, and lets the allowed one through', async (t) => {
  const placement = await startPlacementProcess(t);
  const [ordersId, shopId] = [uniqueId('orders'), uniqueId('shop')];
  const dir = await tempDir(t);
  const config = join(dir, 'config.yaml');
  await writeFile(config, [
    'apiVersion: dapr.io/v1alpha1', 'kind: Configuration', 'metadata: {name: acl}', 'spec:', '  accessControl:', '    defaultAction: deny', '    policies:',
    `      - appId: ${shopId}`, '        defaultAction: deny', '        namespace: default', '        trustDomain: public', '        operations:',
    '          - {name: /orders/*, httpVerb: [GET], action: allow}', '',
  ].join('\n'));
  const orders = await startApp(t, (_req, res) => void res.end('ok'));
  const ordersSidecar = await startSidecar(t, { appId: ordersId, appPort: orders.port, placement: placement.address, args: ['--config', config] });
  const shopSidecar = await startSidecar(t, { appId: shopId, placement: placement.address });
  await settled(placement, [ordersSidecar, shopSidecar], [ordersId, shopId]);

  t.is((await http('GET', `${shopSidecar.url}/v1.0/invoke/${ordersId}/method/orders/7`)).status, 200);
  const denied = await http('POST', `${shopSidecar.url}/v1.0/invoke/${ordersId}/method/orders/7`);
  t.is(denied.status, 403);
  t.is(denied.json<DaprErrorBody>().errorCode, 'ERR_DIRECT_INVOKE');
  t.regex(denied.json<DaprErrorBody>().message, /access control policy has denied access/);
  t.deepEqual(orders.calls().map((c) => `${c.method} ${c.url}`), ['GET /orders/7'], 'the denied call never reached the app');
});
