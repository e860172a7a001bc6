import test from 'ava';
import { http, type DaprErrorBody } from '../../harness/http.js';
import type { SidecarHandle } from '../../harness/sidecar.js';
import { startFlakySetup } from './fixtures.js';

const POLICIES = `  policies:
    retries:
      threeTimes: { policy: constant, duration: 10ms, maxRetries: 3 }
    circuitBreakers:
      tripAfterTwo: { maxRequests: 1, timeout: 60s, trip: consecutiveFailures >= 2 }
`;

const callActor = (sidecar: SidecarHandle, id: string) => http('PUT', `${sidecar.url}/v1.0/actors/flaky/${id}/method/work`, { json: {} });

const setUp = (t: import('ava').ExecutionContext, target: string) => startFlakySetup(t, POLICIES, () => `    actors:\n      flaky: ${target}\n`);

test('an actor retry policy retries the app\'s failures, each attempt in a turn of its own', async (t) => {
  const { app, sidecar } = await setUp(t, '{ retry: threeTimes }');
  app.failNext(2);
  const response = await callActor(sidecar, 'a');
  t.is(response.status, 200);
  t.is(response.text, 'ok');
  t.is(app.callsTo('actors/flaky/a/method/work'), 3);
});

test('without a retry policy an actor\'s failure is ERR_ACTOR_INVOKE_METHOD at once', async (t) => {
  const { app, sidecar } = await setUp(t, '{}');
  app.failNext(2);
  const response = await callActor(sidecar, 'a');
  t.is(response.status, 500);
  t.is(response.json<DaprErrorBody>().errorCode, 'ERR_ACTOR_INVOKE_METHOD');
  t.is(app.callsTo('actors/flaky/a/method/work'), 1);
});

test('an actor circuit breaker scoped by id opens for that actor only', async (t) => {
  const { app, sidecar } = await setUp(t, '{ circuitBreaker: tripAfterTwo, circuitBreakerScope: id }');
  app.failNext(2);
  for (let i = 0; i < 2; i++) t.is((await callActor(sidecar, 'a')).status, 500);
  const refused = await callActor(sidecar, 'a');
  t.deepEqual(refused.json<DaprErrorBody>(), { errorCode: 'ERR_ACTOR_INVOKE_METHOD', message: 'error invoke actor method: flaky/a: circuit breaker is open' });
  t.is(app.callsTo('actors/flaky/a/method/work'), 2);
  t.is((await callActor(sidecar, 'b')).status, 200);
});

test('an actor circuit breaker scoped by type opens for every actor of the type', async (t) => {
  const { app, sidecar } = await setUp(t, '{ circuitBreaker: tripAfterTwo, circuitBreakerScope: type }');
  app.failNext(2);
  await callActor(sidecar, 'a');
  await callActor(sidecar, 'b');
  const refused = await callActor(sidecar, 'c');
  t.is(refused.status, 500);
  t.regex(refused.json<DaprErrorBody>().message, /circuit breaker is open/);
  t.is(app.callsTo('actors/flaky/c/method/work'), 0);
});
