/**
 * AppServer.subscribe: the `/dapr/subscribe` it answers, how handler outcomes become Dapr's
 * SUCCESS / RETRY / DROP, and the same against a real sidecar (redelivery, dead letters, rules,
 * bulk).
 */
import test from 'ava';
import Koa from 'koa';
import { createServer } from 'node:http';
import { startAppServer } from '../../harness/app-server.js';
import type { Owner } from '../../harness/cleanup.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { http } from '../../harness/http.js';
import { serveHttp } from '../../harness/serve.js';
import { uniqueId } from '../../harness/ids.js';
import { AppServer, DropEventError, OutriggerClient, type AppServer as Server, type TopicEvent } from '../../../sdk/src/index.js';

function newServer(errors: unknown[] = []): AppServer {
  return new AppServer({ client: new OutriggerClient({ port: 1 }), onError: (err) => void errors.push(err) });
}

function serve(t: Owner, server: AppServer): Promise<string> {
  return serveHttp(t, createServer(server.handler));
}

const cloudEvent = (data: unknown, extra: Record<string, unknown> = {}) => ({
  specversion: '1.0', id: 'ev-1', source: 'shop', type: 'com.dapr.event.sent', topic: 'orders', pubsubname: 'bus', datacontenttype: 'application/json', data, ...extra,
});
const post = (url: string, body: unknown) => http('POST', url, { json: body, headers: { 'content-type': 'application/cloudevents+json' } });

test('/dapr/subscribe lists each subscription in Dapr\'s shape, with routes.rules when rules are given', async (t) => {
  const server = newServer()
    .subscribe('bus', 'orders', () => undefined)
    .subscribe('bus', 'eu/payments', () => undefined, {
      route: '/payments',
      rules: [{ match: 'event.type == "refund"', handler: () => undefined }],
      deadLetterTopic: 'poison',
      metadata: { rawPayload: 'true' },
      bulk: { maxMessagesCount: 10 },
    });
  const base = await serve(t, server);
  t.deepEqual((await http('GET', `${base}/dapr/subscribe`)).json(), [
    { pubsubname: 'bus', topic: 'orders', route: '/dapr-pubsub/bus/orders' },
    {
      pubsubname: 'bus',
      topic: 'eu/payments',
      routes: { rules: [{ match: 'event.type == "refund"', path: '/payments/rules/0' }], default: '/payments' },
      metadata: { rawPayload: 'true' },
      deadLetterTopic: 'poison',
      bulkSubscribe: { enabled: true, maxMessagesCount: 10 },
    },
  ]);
});

test('subscribe refuses a topic twice, a taken route, and any subscription after the sidecar read the list', async (t) => {
  const server = newServer().subscribe('bus', 'orders', () => undefined, { route: 'in' });
  t.throws(() => server.subscribe('bus', 'orders', () => undefined), { message: /already subscribed/ });
  t.throws(() => server.subscribe('bus', 'other', () => undefined, { route: '/in' }), { message: /already served/ });
  t.throws(() => server.subscribe('', 'x', () => undefined), { instanceOf: TypeError });
  const base = await serve(t, server);
  await http('GET', `${base}/dapr/subscribe`);
  t.throws(() => server.subscribe('bus', 'late', () => undefined), { message: /before listening/ });
});

test('an app without subscriptions leaves /dapr/subscribe unanswered (404: none)', async (t) => {
  const base = await serve(t, newServer());
  t.is((await http('GET', `${base}/dapr/subscribe`)).status, 404);
});

test('returning nothing is SUCCESS, a throw is RETRY (and reported), DROP or a DropEventError drops', async (t) => {
  const errors: unknown[] = [];
  const seen: TopicEvent[] = [];
  const outcomes: Record<string, () => unknown> = {
    ok: () => undefined,
    fail: () => { throw new Error('database down'); },
    drop: () => 'DROP',
    poison: () => { throw new DropEventError('cannot parse'); },
  };
  const server = newServer(errors);
  for (const [topic, outcome] of Object.entries(outcomes)) server.subscribe('bus', topic, (event) => { seen.push(event); return outcome() as undefined; });
  const base = await serve(t, server);

  const answer = async (topic: string) => (await post(`${base}/dapr-pubsub/bus/${topic}`, cloudEvent({ n: 1 }, { topic }))).json();
  t.deepEqual(await answer('ok'), { status: 'SUCCESS' });
  t.deepEqual(await answer('fail'), { status: 'RETRY' });
  t.deepEqual(await answer('drop'), { status: 'DROP' });
  t.deepEqual(await answer('poison'), { status: 'DROP' });
  t.is(errors.length, 1, 'only the unexpected failure is reported');
  t.like(seen[0], { data: { n: 1 }, id: 'ev-1', topic: 'ok', pubsubName: 'bus', source: 'shop', contentType: 'application/json' });
});

test('data_base64 arrives as bytes, or parsed when its content type is JSON', async (t) => {
  const seen: unknown[] = [];
  const base = await serve(t, newServer().subscribe('bus', 'orders', (event) => void seen.push(event.data)));
  await post(`${base}/dapr-pubsub/bus/orders`, cloudEvent(undefined, { data: undefined, datacontenttype: 'application/octet-stream', data_base64: Buffer.from([1, 2]).toString('base64') }));
  await post(`${base}/dapr-pubsub/bus/orders`, cloudEvent(undefined, { data: undefined, data_base64: Buffer.from('{"a":1}').toString('base64') }));
  t.deepEqual(seen, [Buffer.from([1, 2]), { a: 1 }]);
});

test('a bulk delivery calls the handler per entry and answers a status for each', async (t) => {
  const server = newServer().subscribe('bus', 'orders', (event) => ((event.data as { n: number }).n > 1 ? 'DROP' : undefined), { bulk: true });
  const base = await serve(t, server);
  const batch = {
    id: 'b-1', type: 'com.dapr.event.sent.bulk', topic: 'orders', pubsubname: 'bus', metadata: {},
    entries: [
      { entryId: 'a', contentType: 'application/cloudevents+json', metadata: {}, event: cloudEvent({ n: 1 }) },
      { entryId: 'b', contentType: 'application/cloudevents+json', metadata: {}, event: cloudEvent({ n: 2 }) },
    ],
  };
  t.deepEqual((await http('POST', `${base}/dapr-pubsub/bus/orders`, { json: batch })).json(), { statuses: [{ entryId: 'a', status: 'SUCCESS' }, { entryId: 'b', status: 'DROP' }] });
});

test('mounted in Koa, /dapr/subscribe and deliveries are served and other paths pass on', async (t) => {
  const seen: unknown[] = [];
  const app = new Koa();
  app.use(newServer().subscribe('bus', 'orders', (event) => void seen.push(event.data)).koa());
  app.use((ctx) => {
    ctx.body = { route: ctx.path };
  });
  const base = await serveHttp(t, createServer(app.callback()));
  t.is((await http('GET', `${base}/dapr/subscribe`)).json<unknown[]>().length, 1);
  t.deepEqual((await post(`${base}/dapr-pubsub/bus/orders`, cloudEvent('hi'))).json(), { status: 'SUCCESS' });
  t.deepEqual(seen, ['hi']);
  t.deepEqual((await http('GET', `${base}/elsewhere`)).json(), { route: '/elsewhere' });
});

async function busApp(t: Owner, setup: (server: Server) => void) {
  const dir = await resourcesDir(t, { 'bus.yaml': componentYaml('bus', 'pubsub.in-memory', { deliveryMaxRetries: '5', deliveryRetryInterval: '50ms', deliveryRetryMaxInterval: '200ms' }) });
  return startAppServer(t, setup, { onError: () => undefined }, { resourcesPaths: [dir] });
}

test('through a sidecar: a handler that throws is called again until it succeeds', async (t) => {
  const topic = uniqueId('flaky');
  let calls = 0;
  let done = false;
  const { client } = await busApp(t, (server) => server.subscribe('bus', topic, () => {
    if (++calls < 3) throw new Error('not yet');
    done = true;
  }));
  await client.pubsub.publish('bus', topic, { n: 1 });
  await waitUntil('the third attempt succeeds', () => done, { timeoutMs: 30_000 });
  t.is(calls, 3);
});

test('through a sidecar: a dropped event goes to the dead-letter topic and is not retried', async (t) => {
  const [topic, deadLetters] = [uniqueId('orders'), uniqueId('poison')];
  let calls = 0;
  const dead: TopicEvent[] = [];
  const { client } = await busApp(t, (server) => {
    server.subscribe('bus', topic, () => { calls++; throw new DropEventError('unparseable'); }, { deadLetterTopic: deadLetters });
    server.subscribe('bus', deadLetters, (event) => void dead.push(event));
  });
  await client.pubsub.publish('bus', topic, { n: 1 });
  await waitUntil('the event is dead-lettered', () => dead.length > 0, { timeoutMs: 30_000 });
  t.deepEqual(dead[0]?.data, { n: 1 });
  t.is(calls, 1);
});

test('through a sidecar: rules route events by their fields, the rest to the default handler', async (t) => {
  const topic = uniqueId('events');
  const routed: string[] = [];
  const { client } = await busApp(t, (server) => server.subscribe('bus', topic, (event) => void routed.push(`default:${String(event.data)}`), {
    rules: [{ match: 'event.type == "refund"', handler: (event) => void routed.push(`refund:${String(event.data)}`) }],
  }));
  await client.pubsub.publish('bus', topic, { specversion: '1.0', id: 'r-1', source: 'test', type: 'refund', datacontenttype: 'text/plain', data: 'r' }, { contentType: 'application/cloudevents+json' });
  await client.pubsub.publish('bus', topic, 'plain');
  await waitUntil('both are routed', () => routed.length === 2, { timeoutMs: 30_000 });
  t.deepEqual(routed.sort(), ['default:plain', 'refund:r']);
});

test('through a sidecar: a bulk subscription receives a bulk publish', async (t) => {
  const topic = uniqueId('bulk');
  const received: number[] = [];
  const { client } = await busApp(t, (server) => server.subscribe('bus', topic, (event) => void received.push((event.data as { n: number }).n), { bulk: { maxMessagesCount: 10, maxAwaitDurationMs: 100 } }));
  await client.pubsub.publishBulk('bus', topic, [1, 2, 3].map((n) => ({ event: { n } })));
  await waitUntil('every entry arrives', () => received.length === 3, { timeoutMs: 30_000 });
  t.deepEqual(received.sort(), [1, 2, 3]);
});
