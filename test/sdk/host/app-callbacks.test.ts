/**
 * AppServer.onBinding and onConfiguration: the sidecar's probe and event posts for input
 * bindings, configuration pushes, and a real cron binding reaching its handler.
 */
import test from 'ava';
import express from 'express';
import { createServer } from 'node:http';
import { startAppServer } from '../../harness/app-server.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { http } from '../../harness/http.js';
import { serveHttp as serve } from '../../harness/serve.js';
import { AppServer, OutriggerClient, type BindingEvent, type ConfigurationUpdate } from '../../../sdk/src/index.js';

function newServer(errors: unknown[] = []): AppServer {
  return new AppServer({ client: new OutriggerClient({ port: 1 }), onError: (err) => void errors.push(err) });
}

test('a binding answers the sidecar\'s OPTIONS probe and hands each event to its handler', async (t) => {
  const events: BindingEvent[] = [];
  const server = newServer().onBinding('orders', (event) => { events.push(event); return { accepted: true }; });
  const base = await serve(t, createServer(server.handler));
  t.is((await http('OPTIONS', `${base}/orders`)).status, 200);
  const answer = await http('POST', `${base}/orders`, { json: { id: 7 }, headers: { topic: 'shop/orders' } });
  t.deepEqual(answer.json(), { accepted: true });
  t.like(events[0], { name: 'orders', data: { id: 7 }, metadata: { topic: 'shop/orders' } });
  t.false('content-type' in events[0]!.metadata, 'transport headers are not metadata');
  t.is((await http('OPTIONS', `${base}/unknown`)).status, 404, 'an unregistered binding is not wanted');
});

test('a binding handler that throws answers 500 so the component retries, and is reported', async (t) => {
  const errors: unknown[] = [];
  const base = await serve(t, createServer(newServer(errors).onBinding('jobs', () => { throw new Error('busy'); }, { route: '/jobs-in' }).handler));
  const answer = await http('POST', `${base}/jobs-in`, { body: 'not json' });
  t.is(answer.status, 500);
  t.deepEqual(answer.json(), { error: 'busy' });
  t.is(errors.length, 1);
});

test('a binding cannot take a route a subscription or another binding serves', (t) => {
  const server = newServer().subscribe('bus', 'orders', () => undefined, { route: '/orders' });
  t.throws(() => server.onBinding('orders', () => undefined), { message: /already served/ });
  t.throws(() => server.onBinding('', () => undefined), { instanceOf: TypeError });
});

test('configuration pushes reach the store\'s handler; other stores are not served', async (t) => {
  const updates: ConfigurationUpdate[] = [];
  const app = express();
  app.use(express.json());
  app.use(newServer().onConfiguration('settings', (update) => void updates.push(update)).handler);
  app.use((_req, res) => void res.status(418).end());
  const base = await serve(t, createServer(app));
  const push = { id: 'sub-1', items: { 'color/primary': { value: 'blue', version: '2' } } };
  t.is((await http('POST', `${base}/configuration/settings/color%2Fprimary`, { json: push })).status, 200);
  t.deepEqual(updates, [{ store: 'settings', key: 'color/primary', subscriptionId: 'sub-1', items: { 'color/primary': { value: 'blue', version: '2', metadata: {} } } }]);
  t.is((await http('POST', `${base}/configuration/other/k`, { json: push })).status, 418, 'passed on to the app');
});

test('through a sidecar: a cron binding fires into onBinding with its metadata', async (t) => {
  const events: BindingEvent[] = [];
  const dir = await resourcesDir(t, { 'tick.yaml': componentYaml('tick', 'bindings.cron', { schedule: '@every 1s' }) });
  await startAppServer(t, (server) => server.onBinding('tick', (event) => void events.push(event)), {}, { resourcesPaths: [dir] });
  await waitUntil('the schedule fires twice', () => events.length >= 2, { timeoutMs: 30_000 });
  t.like(events[0], { name: 'tick', data: undefined });
  t.truthy(events[0]?.metadata['readtimeutc']);
  t.is(events[0]?.metadata['timezone'], 'Local');
});
