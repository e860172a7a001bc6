import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { http } from '../../harness/http.js';
import { publish, startPubSubSidecar, startSubscriberApp, type Answer } from './helpers.js';

const json = (data: unknown) => [JSON.stringify(data), { 'content-type': 'application/json' }] as const;

/** Answers each delivery of an event with the next answer for its data's `n`, then SUCCESS. */
function scripted(answers: Record<number, Answer[]>) {
  return (request: { body: Buffer }): Answer => {
    const n = (JSON.parse(request.body.toString()) as { data: { n: number } }).data.n;
    return answers[n]?.shift() ?? { status: 200, body: { status: 'SUCCESS' } };
  };
}

test('RETRY, a 500 and an unknown status are retried; SUCCESS, an empty 200 and non-JSON are done', async (t) => {
  const app = await startSubscriberApp(
    t,
    [{ pubsubname: 'pubsub', topic: 'work', route: '/work' }],
    scripted({
      1: [{ status: 200, body: { status: 'RETRY' } }],
      2: [{ status: 500 }],
      3: [{ status: 200, body: { status: 'success' } }],
      4: [{ status: 200 }],
    }),
  );
  const sidecar = await startPubSubSidecar(t, app);
  for (const n of [1, 2, 3, 4]) await publish(sidecar, 'work', ...json({ n }));
  await waitUntil('every event was answered', () => app.deliveries('/work').length >= 7);
  const seen = app.events('/work').map((e) => (e['data'] as { n: number }).n);
  t.deepEqual(seen, [1, 1, 2, 2, 3, 3, 4], 'in order: each retried once, then the next');
});

test('DROP and 404 are not retried', async (t) => {
  const app = await startSubscriberApp(t, [{ pubsubname: 'pubsub', topic: 'drops', route: '/drops' }], scripted({ 1: [{ status: 200, body: { status: 'DROP' } }], 2: [{ status: 404 }] }));
  const sidecar = await startPubSubSidecar(t, app);
  for (const n of [1, 2, 3]) await publish(sidecar, 'drops', ...json({ n }));
  await waitUntil('the last event arrived', () => app.deliveries('/drops').length >= 3);
  t.deepEqual(app.events('/drops').map((e) => (e['data'] as { n: number }).n), [1, 2, 3]);
});

test('a poison message goes to the dead-letter topic after its retries, and the topic moves on', async (t) => {
  const app = await startSubscriberApp(
    t,
    [
      { pubsubname: 'pubsub', topic: 'jobs', route: '/jobs', deadLetterTopic: 'jobs-dead' },
      { pubsubname: 'pubsub', topic: 'jobs-dead', route: '/dead' },
    ],
    (request) => (request.url === '/jobs' && request.body.includes('poison') ? { status: 500 } : { status: 200 }),
  );
  const sidecar = await startPubSubSidecar(t, app);
  await publish(sidecar, 'jobs', 'poison', { 'content-type': 'text/plain' });
  await publish(sidecar, 'jobs', 'fine', { 'content-type': 'text/plain' });
  await waitUntil('the poison message reached the dead-letter topic', () => app.deliveries('/dead').length === 1, { timeoutMs: 15_000 });
  await waitUntil('the next message was delivered', () => app.events('/jobs').some((e) => e['data'] === 'fine'));
  const attempts = app.events('/jobs').filter((e) => e['data'] === 'poison').length;
  t.is(attempts, 3, 'the first try and deliveryMaxRetries (2) retries');
  t.like(app.events('/dead')[0], { data: 'poison', topic: 'jobs' });
});

test('a DROP goes to the dead-letter topic when one is set', async (t) => {
  const app = await startSubscriberApp(
    t,
    [
      { pubsubname: 'pubsub', topic: 'drop-dlq', route: '/in', deadLetterTopic: 'drop-dlq-dead' },
      { pubsubname: 'pubsub', topic: 'drop-dlq-dead', route: '/dead' },
    ],
    (request) => (request.url === '/in' ? { status: 200, body: { status: 'DROP' } } : { status: 200 }),
  );
  const sidecar = await startPubSubSidecar(t, app);
  await publish(sidecar, 'drop-dlq', ...json({ n: 1 }));
  await waitUntil('the dropped message reached the dead-letter topic', () => app.deliveries('/dead').length === 1);
  t.is(app.deliveries('/in').length, 1);
});

test('route rules pick the path by match expression, the default takes the rest', async (t) => {
  const app = await startSubscriberApp(t, [
    {
      pubsubname: 'pubsub',
      topic: 'routed',
      routes: {
        rules: [
          { match: 'event.type == "widget" && event.data.size > 10', path: '/big-widgets' },
          { match: 'event.type == "widget" || (event.data.kind == "gadget")', path: '/widgets' },
        ],
        default: '/other',
      },
    },
  ]);
  const sidecar = await startPubSubSidecar(t, app);
  const send = (type: string, data: unknown) => publish(sidecar, 'routed', JSON.stringify(data), { 'content-type': 'application/json' }, `?metadata.cloudevent.type=${type}`);
  await send('widget', { size: 50 });
  await send('widget', { size: 5 });
  await send('thing', { kind: 'gadget' });
  await send('thing', { kind: 'other' });
  await waitUntil('four deliveries', () => app.calls().filter((r) => r.method === 'POST').length === 4);
  t.is(app.deliveries('/big-widgets').length, 1);
  t.is(app.deliveries('/widgets').length, 2);
  t.is(app.deliveries('/other').length, 1);
});

test('bulk subscribe delivers batches with Dapr bodies and settles each entry by its status', async (t) => {
  const batches: Array<{ entries: Array<{ entryId: string; event: { data: { n: number } }; contentType: string }> }> = [];
  const retried = new Set<number>();
  const app = await startSubscriberApp(
    t,
    [{ pubsubname: 'pubsub', topic: 'batched', route: '/batch', bulkSubscribe: { enabled: true, maxMessagesCount: 5, maxAwaitDurationMs: 200 } }],
    (request) => {
      const batch = JSON.parse(request.body.toString()) as (typeof batches)[number];
      batches.push(batch);
      const statuses = batch.entries.map((entry) => {
        const n = entry.event.data.n;
        if (n === 2 && !retried.has(n)) {
          retried.add(n);
          return { entryId: entry.entryId, status: 'RETRY' };
        }
        return { entryId: entry.entryId, status: 'SUCCESS' };
      });
      return { status: 200, body: { statuses } };
    },
  );
  const sidecar = await startPubSubSidecar(t, app);
  const bulk = Array.from({ length: 5 }, (_, n) => ({ entryId: String(n), event: { n }, contentType: 'application/json' }));
  t.is((await http('POST', `${sidecar.url}/v1.0-alpha1/publish/bulk/pubsub/batched`, { json: bulk })).status, 204);
  await waitUntil('the retried entry came again', () => batches.length >= 2);
  const [first, second] = batches;
  t.deepEqual(first!.entries.map((e) => e.event.data.n).sort(), [0, 1, 2, 3, 4]);
  t.is(first!.entries[0]!.contentType, 'application/cloudevents+json');
  t.deepEqual(second!.entries.map((e) => e.event.data.n), [2], 'only the RETRY entry is sent again');
  const request = app.deliveries('/batch')[0]!;
  t.is(request.headers['content-type'], 'application/json');
  t.like(JSON.parse(request.body.toString()), { type: 'com.dapr.event.sent.bulk', topic: 'batched', pubsubname: 'pubsub' });
});
