/**
 * ActorHost: the `/dapr/config` it answers, what `register` refuses, and mounting into Koa,
 * Express and a plain Node server next to the app's own routes.
 */
import test from 'ava';
import express from 'express';
import Koa from 'koa';
import { createServer } from 'node:http';
import { http } from '../../harness/http.js';
import { serveHttp as serve } from '../../harness/serve.js';
import { Actor, ActorHost, OutriggerClient, type ActorClass } from '../../../sdk/src/index.js';

class Echo extends Actor {
  say(words: string, times = 1): string {
    return words.repeat(times);
  }
}

function newHost(options: ConstructorParameters<typeof ActorHost>[0] = {}): ActorHost {
  return new ActorHost({ client: new OutriggerClient({ port: 1 }), ...options });
}

test('/dapr/config lists the types and writes each type\'s settings out in full over the host defaults', (t) => {
  const host = newHost({ idleTimeout: 90_000, reentrancy: { enabled: false, maxStackDepth: 16 } })
    .register('Echo', Echo)
    .register('Tuned', Echo, { idleTimeout: '10s', drainRebalancedActors: false, reentrancy: { enabled: true } });
  t.deepEqual(host.config, {
    entities: ['Echo', 'Tuned'],
    actorIdleTimeout: '90000ms',
    reentrancy: { enabled: false, maxStackDepth: 16 },
    entitiesConfig: [{ entities: ['Tuned'], actorIdleTimeout: '10s', drainRebalancedActors: false, reentrancy: { enabled: true, maxStackDepth: 16 } }],
  });
});

test('register refuses a bad type name, a class that is not an Actor, a second registration and bad settings', (t) => {
  const host = newHost().register('Echo', Echo);
  t.throws(() => host.register('', Echo), { instanceOf: TypeError });
  t.throws(() => host.register('a/b', Echo), { instanceOf: TypeError });
  t.throws(() => host.register('Plain', class {} as unknown as ActorClass), { instanceOf: TypeError, message: /must extend Actor/ });
  t.throws(() => host.register('Echo', Echo), { message: /already registered/ });
  t.throws(() => host.register('Deep', Echo, { reentrancy: { enabled: true, maxStackDepth: 0 } }), { instanceOf: RangeError });
  t.throws(() => host.register('Idle', Echo, { idleTimeout: -1 }), { instanceOf: RangeError });
});

test('a type registered after the sidecar read /dapr/config is refused, since the sidecar would never learn it', async (t) => {
  const host = newHost().register('Echo', Echo);
  const base = await serve(t, createServer(host.handler));
  t.is((await http('GET', `${base}/dapr/config`)).status, 200);
  t.throws(() => host.register('Late', Echo), { message: /before listening/ });
});

test('as a plain Node listener the host answers callbacks, /healthz, and 404 for anything else', async (t) => {
  const host = newHost().register('Echo', Echo);
  const base = await serve(t, createServer(host.handler));
  t.deepEqual((await http('GET', `${base}/dapr/config`)).json(), { entities: ['Echo'] });
  t.is((await http('GET', `${base}/healthz`)).text, 'ok');
  t.is((await http('PUT', `${base}/actors/Echo/e1/method/say`, { json: ['ab', 2] })).json(), 'abab');
  t.is((await http('GET', `${base}/orders`)).status, 404);
  const unknown = await http('PUT', `${base}/actors/Nope/e1/method/say`, { json: [] });
  t.is(unknown.status, 404);
  t.like(unknown.json<{ actorError: object }>().actorError, { name: 'ActorTypeNotFoundError' });
  t.is((await http('PUT', `${base}/actors/Echo/e1/method/say`, { body: '{not json', headers: { 'content-type': 'application/json' } })).status, 400);
});

test('mounted in Express after a JSON body parser, the host serves callbacks and the app keeps its routes', async (t) => {
  const host = newHost().register('Echo', Echo);
  const app = express();
  app.use(express.json());
  app.use(host.handler);
  app.get('/orders', (_req, res) => void res.json(['o-1']));
  const base = await serve(t, createServer(app));
  t.is((await http('PUT', `${base}/actors/Echo/e2/method/say`, { json: ['x', 3] })).json(), 'xxx');
  t.deepEqual((await http('GET', `${base}/orders`)).json(), ['o-1']);
});

test('mounted in Koa, the host serves callbacks and passes other requests on', async (t) => {
  const host = newHost().register('Echo', Echo);
  const app = new Koa();
  app.use(host.koa());
  app.use((ctx) => {
    ctx.body = { route: ctx.path };
  });
  const base = await serve(t, createServer(app.callback()));
  t.is((await http('PUT', `${base}/actors/Echo/e3/method/say`, { json: ['k'] })).json(), 'k');
  t.deepEqual((await http('GET', `${base}/dapr/config`)).json(), { entities: ['Echo'] });
  t.deepEqual((await http('GET', `${base}/other`)).json(), { route: '/other' });
});
