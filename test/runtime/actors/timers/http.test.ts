import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import test from 'ava';
import Koa from 'koa';
import { keyOf } from '../../../../runtime/src/actors/keys.js';
import { errorResponses } from '../../../../runtime/src/api/http/errors.js';
import { actorTimerRoutes } from '../../../../runtime/src/api/http/routes/actor-timers.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { silent, timerHarness } from './helpers.js';

/** The timer routes on a bare Koa app, as the sidecar mounts them, hosting only `Counter`. */
async function timerApi(t: { teardown: (fn: () => Promise<void>) => void }) {
  const harness = timerHarness();
  const router = new Router();
  actorTimerRoutes(router, { timers: harness.service, canHost: (actor) => actor.type === 'Counter', maxBodyBytes: 1024 });
  const app = new Koa();
  app.silent = true;
  app.use(errorResponses(silent));
  app.use(router.routes());
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0/actors`;
  return { ...harness, url };
}

test('POST and PUT create a timer (204); DELETE removes it (204), known or not', async (t) => {
  const api = await timerApi(t);
  const posted = await http('POST', `${api.url}/Counter/a/timers/tick`, { json: { dueTime: '1s', period: '1s', data: 'hello' } });
  t.is(posted.status, 204);
  t.is(posted.text, '');
  t.is((await http('PUT', `${api.url}/Counter/a/timers/other`, { json: { dueTime: '10s' } })).status, 204);
  t.deepEqual(api.service.timersOf(keyOf('Counter', 'a')).map((s) => s.name), ['other', 'tick']);

  await api.clock.advance(1000);
  t.deepEqual(api.fires.map((f) => f.raw), ['{"data":"hello","callback":"","dueTime":"1s","period":"1s"}']);

  t.is((await http('DELETE', `${api.url}/Counter/a/timers/tick`)).status, 204);
  t.is((await http('DELETE', `${api.url}/Counter/a/timers/tick`)).status, 204, 'an unknown timer is no error');
  t.is((await http('DELETE', `${api.url}/Elsewhere/a/timers/tick`)).status, 204);
  t.deepEqual(api.service.timersOf(keyOf('Counter', 'a')).map((s) => s.name), ['other']);
});

test('a type this sidecar does not host is 500 ERR_ACTOR_TIMER_CREATE', async (t) => {
  const api = await timerApi(t);
  const res = await http('PUT', `${api.url}/Elsewhere/a/timers/tick`, { json: { dueTime: '1s' } });
  t.is(res.status, 500);
  t.deepEqual(res.json<DaprErrorBody>(), {
    errorCode: 'ERR_ACTOR_TIMER_CREATE',
    message: 'error creating actor timer: actor type Elsewhere is not hosted by this sidecar',
  });
  t.deepEqual(api.service.actors(), []);
});

test('a bad schedule is 500 ERR_ACTOR_TIMER_CREATE; bad JSON and a || key are 400', async (t) => {
  const api = await timerApi(t);
  const bad = await http('POST', `${api.url}/Counter/a/timers/tick`, { json: { period: 'R0/PT1S' } });
  t.is(bad.status, 500);
  t.is(bad.json<DaprErrorBody>().errorCode, 'ERR_ACTOR_TIMER_CREATE');
  t.regex(bad.json<DaprErrorBody>().message, /invalid period "R0\/PT1S": has zero repetitions/);

  const malformed = await http('POST', `${api.url}/Counter/a/timers/tick`, { body: '{"dueTime":', headers: { 'content-type': 'application/json' } });
  t.is(malformed.status, 400);
  t.is(malformed.json<DaprErrorBody>().errorCode, 'ERR_MALFORMED_REQUEST');

  const smuggled = await http('POST', `${api.url}/Counter/a${encodeURIComponent('||')}b/timers/tick`, { json: {} });
  t.is(smuggled.status, 400);
  t.is(smuggled.json<DaprErrorBody>().errorCode, 'ERR_BAD_REQUEST');
  t.deepEqual(api.service.actors(), []);
});

test('an empty body creates a timer due at once', async (t) => {
  const api = await timerApi(t);
  t.is((await http('POST', `${api.url}/Counter/a/timers/now`)).status, 204);
  await api.clock.advance(0);
  t.deepEqual(api.fires.map((f) => f.raw), ['{"callback":"","dueTime":"","period":""}']);
});
