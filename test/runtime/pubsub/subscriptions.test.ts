import test from 'ava';
import { componentYaml } from '../../harness/files.js';
import { waitUntil } from '../../harness/eventually.js';
import { http } from '../../harness/http.js';
import { uniqueId } from '../../harness/ids.js';
import { startSidecar } from '../../harness/sidecar.js';
import { resourcesDir } from '../../harness/files.js';
import { publish, startSubscriberApp, waitUntilSubscribed } from './helpers.js';

function subscriptionYaml(name: string, version: 'v1alpha1' | 'v2alpha1', spec: string, scopes: string[] = []): string {
  return [
    `apiVersion: dapr.io/${version}`,
    'kind: Subscription',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    spec,
    scopes.length > 0 ? `scopes:\n${scopes.map((s) => `  - ${s}`).join('\n')}` : '',
  ].join('\n');
}

test('declarative subscriptions (v1alpha1 and v2alpha1, with scopes) deliver beside programmatic ones, and the metadata API lists them', async (t) => {
  const appId = uniqueId('subs');
  const app = await startSubscriberApp(t, [{ pubsubname: 'pubsub', topic: 'prog', route: '/prog', metadata: { rawPayload: 'false' } }]);
  const dir = await resourcesDir(t, {
    'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory'),
    'subs.yaml': [
      subscriptionYaml('old-style', 'v1alpha1', '  pubsubname: pubsub\n  topic: decl-v1\n  route: /v1-route'),
      '---',
      subscriptionYaml('new-style', 'v2alpha1', '  pubsubname: pubsub\n  topic: decl-v2\n  routes:\n    rules:\n      - match: event.data.vip == true\n        path: /vip\n    default: /v2-route\n  deadLetterTopic: dead', [appId]),
      '---',
      subscriptionYaml('not-mine', 'v2alpha1', '  pubsubname: pubsub\n  topic: decl-other\n  routes:\n    default: /other', ['someone-else']),
    ].join('\n'),
  });
  const sidecar = await startSidecar(t, { appId, appPort: app.port, resourcesPaths: [dir] });
  await waitUntilSubscribed(sidecar, 3);

  const metadata = (await http('GET', `${sidecar.url}/v1.0/metadata`)).json<{ subscriptions: Array<Record<string, unknown>> }>();
  const byTopic = Object.fromEntries(metadata.subscriptions.map((s) => [s['topic'], s]));
  t.deepEqual(Object.keys(byTopic).sort(), ['decl-v1', 'decl-v2', 'prog']);
  t.deepEqual(byTopic['decl-v2'], {
    pubsubname: 'pubsub',
    topic: 'decl-v2',
    rules: [{ match: 'event.data.vip == true', path: '/vip' }, { path: '/v2-route' }],
    deadLetterTopic: 'dead',
    type: 'DECLARATIVE',
  });
  t.like(byTopic['prog'], { type: 'PROGRAMMATIC', metadata: { rawPayload: 'false' }, rules: [{ path: '/prog' }] });

  for (const [topic, body] of [['decl-v1', '{}'], ['decl-v2', '{"vip":true}'], ['decl-v2', '{}'], ['prog', '{}'], ['decl-other', '{}']] as const) {
    t.is((await publish(sidecar, topic, body, { 'content-type': 'application/json' })).status, 204);
  }
  await waitUntil('four deliveries', () => app.calls().filter((r) => r.method === 'POST').length >= 4);
  t.deepEqual(
    app.calls().filter((r) => r.method === 'POST').map((r) => r.url).sort(),
    ['/prog', '/v1-route', '/v2-route', '/vip'],
  );
});

test('a Subscription with a match expression outside the supported subset stops the sidecar at start with the reason', async (t) => {
  const { runCli } = await import('../../harness/sidecar.js');
  const app = await startSubscriberApp(t, []);
  const dir = await resourcesDir(t, {
    'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory'),
    'bad.yaml': subscriptionYaml('bad', 'v2alpha1', '  pubsubname: pubsub\n  topic: t\n  routes:\n    rules:\n      - match: size(event.data) > 2\n        path: /x'),
  });
  const { code, output } = await runCli(['sidecar', '--app-id', uniqueId('bad'), '--app-port', String(app.port), '--dapr-http-port', '0', '--resources-path', dir, '--embedded-placement-port', '0']);
  t.not(code, 0);
  t.regex(output, /subscription "bad": match expression "size\(event.data\) > 2".*unknown name "size"/);
});

test('an app subscription with a bad entry keeps its good ones', async (t) => {
  const app = await startSubscriberApp(t, [
    { pubsubname: 'pubsub', topic: 'good', route: '/good' },
    { pubsubname: 'pubsub', topic: 'bad', routes: { rules: [{ match: 'event.type ~ 1', path: '/bad' }] } },
    { pubsubname: 'pubsub', topic: 'no-route' },
  ]);
  const dir = await resourcesDir(t, { 'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory') });
  const sidecar = await startSidecar(t, { appPort: app.port, resourcesPaths: [dir] });
  await waitUntilSubscribed(sidecar, 1);
  t.is((await publish(sidecar, 'good', '{}', { 'content-type': 'application/json' })).status, 204);
  await waitUntil('the good subscription works', () => app.deliveries('/good').length === 1);
  t.regex(sidecar.output(), /GET \/dapr\/subscribe entry 1: match expression/);
  t.regex(sidecar.output(), /entry 2: topic no-route has no route/);
});
