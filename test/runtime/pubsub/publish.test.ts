import test from 'ava';
import { componentYaml } from '../../harness/files.js';
import { waitUntil } from '../../harness/eventually.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { uniqueId } from '../../harness/ids.js';
import { publish, startPubSubSidecar, startSubscriberApp } from './helpers.js';

const subscribe = (topic: string, extra: Record<string, unknown> = {}) => ({ pubsubname: 'pubsub', topic, route: `/${topic}`, ...extra });

test('a JSON publish is delivered as a CloudEvent built as Dapr builds it', async (t) => {
  const app = await startSubscriberApp(t, [subscribe('orders')]);
  const sidecar = await startPubSubSidecar(t, app);
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const answer = await publish(sidecar, 'orders', JSON.stringify({ id: 7 }), { 'content-type': 'application/json', traceparent });
  t.is(answer.status, 204);
  t.is(answer.text, '');

  await waitUntil('the app got the event', () => app.deliveries('/orders').length === 1);
  const [delivery] = app.deliveries('/orders');
  t.is(delivery!.headers['content-type'], 'application/cloudevents+json');
  t.is(delivery!.headers['pubsubname'], 'pubsub');
  t.is(delivery!.headers['traceparent'], traceparent);
  const event = JSON.parse(delivery!.body.toString()) as Record<string, unknown>;
  t.like(event, {
    specversion: '1.0',
    type: 'com.dapr.event.sent',
    source: sidecar.appId,
    datacontenttype: 'application/json',
    data: { id: 7 },
    topic: 'orders',
    pubsubname: 'pubsub',
    traceid: traceparent,
    traceparent,
    tracestate: '',
  });
  t.regex(String(event['id']), /^[0-9a-f-]{36}$/);
  t.regex(String(event['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
});

test('text, binary and already-built CloudEvents get the data fields Dapr gives them', async (t) => {
  const app = await startSubscriberApp(t, [subscribe('mixed')]);
  const sidecar = await startPubSubSidecar(t, app);
  t.is((await publish(sidecar, 'mixed', Buffer.from('hello'))).status, 204, 'no content type');
  t.is((await publish(sidecar, 'mixed', Buffer.from([0, 1, 2, 255]), { 'content-type': 'application/octet-stream' })).status, 204);
  const own = { specversion: '1.0', id: 'mine-1', type: 'my.type', source: 'me', topic: 'elsewhere', data: { a: 1 }, datacontenttype: 'application/json' };
  t.is((await publish(sidecar, 'mixed', JSON.stringify(own), { 'content-type': 'application/cloudevents+json' })).status, 204);

  await waitUntil('three events arrived', () => app.deliveries('/mixed').length === 3);
  const [text, binary, passed] = app.events('/mixed');
  t.like(text, { datacontenttype: 'text/plain', data: 'hello' });
  t.like(binary, { datacontenttype: 'application/octet-stream', data_base64: Buffer.from([0, 1, 2, 255]).toString('base64') });
  t.false('data' in binary!);
  t.like(passed, { id: 'mine-1', type: 'my.type', source: 'me', topic: 'mixed', pubsubname: 'pubsub', data: { a: 1 } });
  t.truthy(passed!['traceid']);
});

test('rawPayload publishes the bytes unwrapped, and a rawPayload subscription receives them in data_base64', async (t) => {
  const app = await startSubscriberApp(t, [subscribe('raw', { metadata: { rawPayload: 'true' } })]);
  const sidecar = await startPubSubSidecar(t, app);
  t.is((await publish(sidecar, 'raw', 'plain bytes', {}, '?metadata.rawPayload=true')).status, 204);
  await waitUntil('the raw message arrived', () => app.deliveries('/raw').length === 1);
  const [event] = app.events('/raw');
  t.like(event, { datacontenttype: 'application/octet-stream', topic: 'raw', pubsubname: 'pubsub', type: 'com.dapr.event.sent' });
  t.is(Buffer.from(String(event!['data_base64']), 'base64').toString(), 'plain bytes');
});

test('ttlInSeconds sets the expiration, and an expired message is not delivered', async (t) => {
  const app = await startSubscriberApp(t, [subscribe('ttl')]);
  const sidecar = await startPubSubSidecar(t, app);
  const expired = { specversion: '1.0', id: 'old', type: 't', source: 's', data: 'old', expiration: new Date(Date.now() - 60_000).toISOString() };
  t.is((await publish(sidecar, 'ttl', JSON.stringify(expired), { 'content-type': 'application/cloudevents+json' })).status, 204);
  const before = Date.now();
  t.is((await publish(sidecar, 'ttl', 'fresh', {}, '?metadata.ttlInSeconds=120')).status, 204);

  await waitUntil('the fresh message arrived', () => app.deliveries('/ttl').length >= 1);
  const events = app.events('/ttl');
  t.deepEqual(events.map((e) => e['data']), ['fresh'], 'the expired message was dropped, in order before the fresh one');
  const expiration = Date.parse(String(events[0]!['expiration']));
  t.true(expiration >= before + 119_000 && expiration <= Date.now() + 121_000);
});

test('bulk publish on both paths delivers every entry and answers 204', async (t) => {
  const app = await startSubscriberApp(t, [subscribe('bulk')]);
  const sidecar = await startPubSubSidecar(t, app);
  for (const version of ['v1.0-alpha1', 'v1.0']) {
    const entries = [
      { entryId: `${version}-1`, event: { n: 1 }, contentType: 'application/json' },
      { entryID: `${version}-2`, event: 'two', contentType: 'text/plain' },
      { entryId: `${version}-3`, event: Buffer.from('three').toString('base64'), contentType: 'application/octet-stream', metadata: { k: 'v' } },
    ];
    const answer = await http('POST', `${sidecar.url}/${version}/publish/bulk/pubsub/bulk`, { json: entries });
    t.is(answer.status, 204, answer.text);
  }
  await waitUntil('six events arrived', () => app.deliveries('/bulk').length === 6);
  const events = app.events('/bulk');
  t.deepEqual(events.slice(0, 2).map((e) => e['data']), [{ n: 1 }, 'two']);
  t.is(Buffer.from(String(events[2]!['data_base64']), 'base64').toString(), 'three');
  t.is(app.deliveries('/bulk')[2]!.headers['k'], 'v', 'entry metadata travels with the message');
});

test('malformed publish requests get Dapr error codes', async (t) => {
  const other = uniqueId('other');
  const sidecar = await startPubSubSidecar(t, undefined, {
    metadata: { publishingScopes: `${other}=a`, allowedTopics: 'open,a,secret', protectedTopics: 'secret' },
  });
  const expect = async (path: string, status: number, errorCode: string, call: Parameters<typeof http>[2] = { body: 'x' }) => {
    const answer = await http('POST', `${sidecar.url}${path}`, call);
    t.is(answer.status, status, `${path}: ${answer.text}`);
    t.is(answer.json<DaprErrorBody>().errorCode, errorCode, path);
    return answer.json<DaprErrorBody>();
  };
  t.is((await expect('/v1.0/publish/nope/t', 404, 'ERR_PUBSUB_NOT_FOUND')).message, 'pubsub nope not found');
  await expect('/v1.0/publish/pubsub', 404, 'ERR_TOPIC_EMPTY');
  await expect('/v1.0/publish/pubsub/open?metadata.rawPayload=maybe', 400, 'ERR_PUBSUB_REQUEST_METADATA');
  await expect('/v1.0/publish/pubsub/open?metadata.ttlInSeconds=-5', 400, 'ERR_PUBSUB_REQUEST_METADATA');
  await expect('/v1.0/publish/pubsub/open', 500, 'ERR_PUBSUB_CLOUD_EVENTS_SER', { body: '{not json', headers: { 'content-type': 'application/cloudevents+json' } });
  await expect('/v1.0/publish/pubsub/open', 500, 'ERR_PUBSUB_CLOUD_EVENTS_SER', { body: '[1]', headers: { 'content-type': 'application/cloudevents+json' } });
  t.is((await expect('/v1.0/publish/pubsub/closed', 403, 'ERR_PUBSUB_FORBIDDEN')).message, `topic closed is not allowed for app id ${sidecar.appId}`);
  await expect('/v1.0/publish/pubsub/secret', 403, 'ERR_PUBSUB_FORBIDDEN');
  await expect('/v1.0-alpha1/publish/bulk/pubsub/open', 400, 'ERR_PUBSUB_EVENTS_SER', { body: '{"not":"an array"}' });
  await expect('/v1.0-alpha1/publish/bulk/pubsub/open', 400, 'ERR_PUBSUB_EVENTS_SER', { json: [{ entryId: '1', event: 5, contentType: 'text/plain' }] });
  await expect('/v1.0-alpha1/publish/bulk/pubsub/open', 400, 'ERR_PUBSUB_EVENTS_SER', { json: [{ entryId: '1', event: 'a', contentType: 'text/plain' }, { entryId: '1', event: 'b', contentType: 'text/plain' }] });
  await expect('/v1.0-alpha1/publish/bulk/pubsub/open', 400, 'ERR_PUBSUB_EVENTS_SER', { json: [{ event: 'a', contentType: 'text/plain' }] });
  await expect('/v1.0-alpha1/publish/bulk/nope/open', 404, 'ERR_PUBSUB_NOT_FOUND', { json: [] });
  t.is((await http('POST', `${sidecar.url}/v1.0/publish/pubsub/open`, { body: 'ok' })).status, 204);
});

test('without any pubsub component, publishing is ERR_PUBSUB_NOT_CONFIGURED', async (t) => {
  const { resourcesDir } = await import('../../harness/files.js');
  const { startSidecar } = await import('../../harness/sidecar.js');
  const dir = await resourcesDir(t, { 'state.yaml': componentYaml('store', 'state.in-memory') });
  const sidecar = await startSidecar(t, { resourcesPaths: [dir] });
  const answer = await http('POST', `${sidecar.url}/v1.0/publish/pubsub/t`, { body: 'x' });
  t.is(answer.status, 400);
  t.is(answer.json<DaprErrorBody>().errorCode, 'ERR_PUBSUB_NOT_CONFIGURED');
});
