/** Input binding events to the app, through a real sidecar and a cron binding firing every second. */
import test, { type ExecutionContext } from 'ava';
import type { ServerResponse } from 'node:http';
import { startApp, type RecordedRequest } from '../../harness/app.js';
import { waitUntil } from '../../harness/eventually.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { startSidecar } from '../../harness/sidecar.js';

type Handler = (request: RecordedRequest, response: ServerResponse) => void;

async function cronSidecar(t: ExecutionContext, metadata: Record<string, string>, handler: Handler) {
  const app = await startApp(t, handler);
  const dir = await resourcesDir(t, { 'tick.yaml': componentYaml('tick', 'bindings.cron', { schedule: '@every 1s', ...metadata }) });
  const sidecar = await startSidecar(t, { appPort: app.port, resourcesPaths: [dir] });
  return { app, sidecar };
}

const answer = (status: number) => (_: RecordedRequest, response: ServerResponse) => {
  response.statusCode = status;
  response.end();
};

test('the app is asked with OPTIONS, then each event is a POST with the metadata as headers', async (t) => {
  const { app } = await cronSidecar(t, {}, answer(200));
  await waitUntil('two events arrived', () => app.calls().filter((r) => r.method === 'POST').length >= 2, { timeoutMs: 20_000 });
  const [probe, event] = app.calls();
  t.is(probe?.method, 'OPTIONS');
  t.is(probe?.url, '/tick');
  t.is(event?.method, 'POST');
  t.is(event?.url, '/tick');
  t.is(event?.headers['content-type'], 'application/json');
  t.is(event?.headers['timezone'], 'Local');
  t.regex(String(event?.headers['readtimeutc']), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
  t.is(event?.body.length, 0);
});

test('an app that answers the probe with 405 still gets the events', async (t) => {
  const { app } = await cronSidecar(t, {}, (request, response) => answer(request.method === 'OPTIONS' ? 405 : 200)(request, response));
  await waitUntil('an event arrived', () => app.calls().some((r) => r.method === 'POST'), { timeoutMs: 20_000 });
  t.pass();
});

test('an app that answers the probe with 404 gets no events', async (t) => {
  const { app, sidecar } = await cronSidecar(t, {}, answer(404));
  await waitUntil('the sidecar gave up on the binding', () => /app has not subscribed to binding/.test(sidecar.output()), { timeoutMs: 20_000 });
  t.deepEqual(app.calls().map((r) => r.method), ['OPTIONS']);
});

test('a declared input direction skips the probe, and the route metadata moves the path', async (t) => {
  const { app } = await cronSidecar(t, { direction: 'input', route: '/jobs/tick' }, answer(200));
  await waitUntil('an event arrived', () => app.calls().length >= 1, { timeoutMs: 20_000 });
  t.is(app.calls()[0]?.method, 'POST');
  t.is(app.calls()[0]?.url, '/jobs/tick');
});

test('an output-only direction reads nothing', async (t) => {
  const { sidecar, app } = await cronSidecar(t, { direction: 'output' }, answer(200));
  await waitUntil('the app port was seen', () => /app port is open/.test(sidecar.output()), { timeoutMs: 20_000 });
  t.deepEqual(app.calls(), []);
});
