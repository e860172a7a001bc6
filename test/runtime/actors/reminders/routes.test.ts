import test, { type ExecutionContext } from 'ava';
import { Router } from '@koa/router';
import Koa from 'koa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReminderService } from '../../../../runtime/src/actors/reminders/index.js';
import { errorResponses } from '../../../../runtime/src/api/http/errors.js';
import { actorReminderRoutes } from '../../../../runtime/src/api/http/routes/actor-reminders.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { silent, world } from './helpers.js';

/** The routes alone on a Koa app with the sidecar's error exit; hosts only the Cat type. */
async function serve(t: ExecutionContext, reminders: ReminderService | undefined): Promise<string> {
  const router = new Router();
  actorReminderRoutes(router, { reminders, canHost: (actor) => actor.type === 'Cat', maxBodyBytes: 1024 });
  const app = new Koa();
  app.use(errorResponses(silent));
  app.use(router.routes());
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0/actors`;
}

async function expectError(t: ExecutionContext, response: Promise<{ status: number; json<T>(): T }>, status: number, errorCode: string): Promise<string> {
  const res = await response;
  t.is(res.status, status);
  const body = res.json<DaprErrorBody>();
  t.is(body.errorCode, errorCode);
  return body.message;
}

test('POST and PUT create (204), GET reads (200 JSON), DELETE removes (204, found or not)', async (t) => {
  const w = world(t);
  const base = await serve(t, w.sidecar('a'));
  t.is((await http('POST', `${base}/Cat/tom/reminders/wake`, { json: { dueTime: '1m', data: 'hi' } })).status, 204);
  t.is((await http('PUT', `${base}/Cat/tom/reminders/tick`, { json: { period: '10s' } })).status, 204);
  const got = await http('GET', `${base}/Cat/tom/reminders/wake`);
  t.is(got.status, 200);
  t.is(got.headers.get('content-type'), 'application/json');
  t.deepEqual(got.json(), { actorID: 'tom', actorType: 'Cat', data: 'hi', dueTime: '1m' });
  t.is((await http('DELETE', `${base}/Cat/tom/reminders/wake`)).status, 204);
  t.is((await http('DELETE', `${base}/Cat/tom/reminders/wake`)).status, 204);
  await expectError(t, http('GET', `${base}/Cat/tom/reminders/wake`), 404, 'ERR_ACTOR_REMINDER_NOT_FOUND');
});

test('a type this sidecar does not host is 403 ERR_ACTOR_REMINDER_NON_HOSTED for every verb', async (t) => {
  const base = await serve(t, world(t).sidecar('a'));
  for (const method of ['POST', 'PUT', 'GET', 'DELETE']) {
    const message = await expectError(t, http(method, `${base}/Dog/rex/reminders/wake`, method === 'POST' || method === 'PUT' ? { json: {} } : {}), 403, 'ERR_ACTOR_REMINDER_NON_HOSTED');
    t.is(message, 'operations on actor reminders are only possible on hosted actor types');
  }
});

test('conflicts, bad schedules and bad bodies get Dapr’s codes', async (t) => {
  const base = await serve(t, world(t).sidecar('a'));
  const url = `${base}/Cat/tom/reminders/wake`;
  await http('POST', url, { json: { dueTime: '1m' } });
  await expectError(t, http('POST', url, { json: { dueTime: '2m', overwrite: false } }), 409, 'ERR_ACTOR_REMINDER_ALREADY_EXISTS');
  const message = await expectError(t, http('POST', url, { json: { period: 'often' } }), 500, 'ERR_ACTOR_REMINDER_CREATE');
  t.regex(message, /period/);
  await expectError(t, http('POST', url, { body: '{not json', headers: { 'content-type': 'application/json' } }), 400, 'ERR_MALFORMED_REQUEST');
  await expectError(t, http('POST', url), 400, 'ERR_MALFORMED_REQUEST');
  await expectError(t, http('POST', `${base}/Cat/tom/reminders/a%23b`, { json: {} }), 400, 'ERR_BAD_REQUEST');
});

test('without a store that keeps reminders, every call is 500 ERR_ACTOR_RUNTIME_NOT_FOUND', async (t) => {
  const base = await serve(t, undefined);
  await expectError(t, http('GET', `${base}/Cat/tom/reminders/wake`), 500, 'ERR_ACTOR_RUNTIME_NOT_FOUND');
  await expectError(t, http('POST', `${base}/Cat/tom/reminders/wake`, { json: {} }), 500, 'ERR_ACTOR_RUNTIME_NOT_FOUND');
});
