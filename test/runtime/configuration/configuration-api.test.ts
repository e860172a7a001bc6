import anyTest, { type TestFn } from 'ava';
import { Redis } from 'ioredis';
import { Cleanup } from '../../harness/cleanup.js';
import { startApp, type FakeApp, type RecordedRequest } from '../../harness/app.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { redisAddress, uniqueId } from '../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';

/** Redis database 9, so "all keys" reads stay small; each test uses its own keys. */
const DB = 9;
const test = anyTest as TestFn<{ sidecar: SidecarHandle; app: FakeApp; redis: Redis; keys: (name: string) => string }>;
const cleanup = new Cleanup();

test.before(async (t) => {
  const { host, port } = redisAddress();
  const app = await startApp(cleanup, (_req, res) => void res.writeHead(200).end());
  const dir = await resourcesDir(cleanup, {
    'config.yaml': componentYaml('configstore', 'configuration.redis', { redisHost: `${host}:${port}`, redisDB: String(DB) }),
  });
  const sidecar = await startSidecar(cleanup, { resourcesPaths: [dir], appPort: app.port });
  const redis = new Redis({ host, port, db: DB, lazyConnect: true });
  await redis.connect();
  const run = uniqueId('cfg');
  cleanup.teardown(async () => {
    const keys = await redis.keys(`${run}-*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  t.context = { sidecar, app, redis, keys: (name) => `${run}-${name}` };
});
test.after.always(() => cleanup.run());

type Items = Record<string, { value?: string; version?: string; metadata?: Record<string, string> }>;
const base = (t: { context: { sidecar: SidecarHandle } }, version = 'v1.0') => `${t.context.sidecar.url}/${version}/configuration/configstore`;
/** What the app was told about `key` by subscription `id` (other tests' subscriptions to every key push here too). */
const updatesTo = (app: FakeApp, key: string, id: string): Array<{ id: string; items: Items }> =>
  app
    .calls()
    .filter((r: RecordedRequest) => r.method === 'POST' && r.url === `/configuration/configstore/${key}`)
    .map((r) => JSON.parse(r.body.toString()) as { id: string; items: Items })
    .filter((update) => update.id === id);

test('get returns the asked keys as {key: {value, version}}, parsed from value||version', async (t) => {
  const { redis, keys } = t.context;
  const [a, b, missing] = [keys('a'), keys('b'), keys('missing')];
  await redis.set(a, 'blue||3');
  await redis.set(b, 'plain');
  const res = await http('GET', `${base(t)}?key=${a}&key=${b}&key=${missing}`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'application/json');
  t.deepEqual(res.json(), { [a]: { value: 'blue', version: '3' }, [b]: { value: 'plain' } });
});

test('get without keys returns every item, and the alpha path serves the same', async (t) => {
  const { redis, keys } = t.context;
  await redis.set(keys('all'), 'v||1');
  for (const version of ['v1.0', 'v1.0-alpha1']) {
    const items = (await http('GET', base(t, version))).json<Items>();
    t.deepEqual(items[keys('all')], { value: 'v', version: '1' }, version);
  }
});

test('get of keys none of which exist is 204', async (t) => {
  const res = await http('GET', `${base(t)}?key=${t.context.keys('nothing')}`);
  t.is(res.status, 204);
  t.is(res.text, '');
});

test('a subscription pushes each change to POST /configuration/<store>/<key> until unsubscribed', async (t) => {
  const { redis, keys, app } = t.context;
  const [watched, other] = [keys('watched'), keys('other')];
  const subscribed = await http('GET', `${base(t)}/subscribe?key=${watched}`);
  t.is(subscribed.status, 200);
  const { id } = subscribed.json<{ id: string }>();
  t.regex(id, /^[0-9a-f-]{36}$/);

  await redis.set(other, 'ignored||1');
  await redis.set(watched, 'on||2');
  await waitUntil('the change is pushed', () => updatesTo(app, watched, id).length === 1);
  t.deepEqual(updatesTo(app, watched, id)[0], { id, items: { [watched]: { value: 'on', version: '2' } } });
  const push = app.calls().find((r) => r.url === `/configuration/configstore/${watched}`)!;
  t.is(push.headers['content-type'], 'application/json');

  const unsubscribed = await http('GET', `${base(t)}/${id}/unsubscribe`);
  t.deepEqual(unsubscribed.json(), { ok: true });
  // A second subscription, still live, shows when the first one would have been told.
  const marker = keys('marker');
  const later = (await http('GET', `${base(t)}/subscribe?key=${marker}`)).json<{ id: string }>().id;
  t.teardown(() => http('GET', `${base(t)}/${later}/unsubscribe`));
  await redis.set(watched, 'off||3');
  await redis.set(marker, 'm');
  await waitUntil('the later subscription is told', () => updatesTo(app, marker, later).length === 1);
  t.is(updatesTo(app, watched, id).length, 1, 'nothing after unsubscribing');
  t.is(updatesTo(app, other, id).length, 0, 'keys not subscribed are never pushed');
});

test('a subscription without keys is told of every key that changes', async (t) => {
  const { redis, keys, app } = t.context;
  const { id } = (await http('GET', `${base(t)}/subscribe`)).json<{ id: string }>();
  t.teardown(() => http('GET', `${base(t)}/${id}/unsubscribe`));
  const key = keys('any');
  await redis.set(key, 'x||9');
  await waitUntil('the change is pushed', () => updatesTo(app, key, id).length > 0);
  t.deepEqual(updatesTo(app, key, id)[0]!.items, { [key]: { value: 'x', version: '9' } });
});

test('unsubscribing an unknown id is 500 {ok: false, message}', async (t) => {
  const res = await http('GET', `${base(t)}/no-such-id/unsubscribe`);
  t.is(res.status, 500);
  t.deepEqual(res.json(), { ok: false, message: 'failed to unsubscribe to configuration request no-such-id: subscription does not exist' });
});

test('an unknown store is 400 ERR_CONFIGURATION_STORE_NOT_FOUND, for get and subscribe', async (t) => {
  for (const path of ['nowhere', 'nowhere/subscribe']) {
    const res = await http('GET', `${t.context.sidecar.url}/v1.0/configuration/${path}`);
    t.is(res.status, 400);
    t.deepEqual(res.json(), { errorCode: 'ERR_CONFIGURATION_STORE_NOT_FOUND', message: 'configuration store nowhere not found' });
  }
});

test('without configuration stores the API is 500 ERR_CONFIGURATION_STORE_NOT_CONFIGURED', async (t) => {
  const bare = await startSidecar(t, { resourcesPaths: [await resourcesDir(t, {})] });
  const res = await http('GET', `${bare.url}/v1.0/configuration/configstore?key=a`);
  t.is(res.status, 500);
  t.deepEqual(res.json<DaprErrorBody>(), { errorCode: 'ERR_CONFIGURATION_STORE_NOT_CONFIGURED', message: 'configuration stores not configured' });
});

test('subscribing without an app is 500 ERR_APP_CHANNEL_NIL', async (t) => {
  const { host, port } = redisAddress();
  const dir = await resourcesDir(t, { 'c.yaml': componentYaml('configstore', 'configuration.redis', { redisHost: `${host}:${port}`, redisDB: String(DB) }) });
  const noApp = await startSidecar(t, { resourcesPaths: [dir] });
  const res = await http('GET', `${noApp.url}/v1.0/configuration/configstore/subscribe?key=a`);
  t.is(res.status, 500);
  t.deepEqual(res.json<DaprErrorBody>(), { errorCode: 'ERR_APP_CHANNEL_NIL', message: 'app channel is not initialized' });
});
