import test, { type ExecutionContext } from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { resourcesDir } from '../../harness/files.js';
import { http, type DaprErrorBody } from '../../harness/http.js';
import { startSidecar, type SidecarHandle } from '../../harness/sidecar.js';
import { resiliencyYaml, startFlakySetup } from './fixtures.js';

const POLICIES = `  policies:
    timeouts:
      short: 300ms
    retries:
      threeTimes: { policy: constant, duration: 10ms, maxRetries: 3 }
      only503: { policy: constant, duration: 10ms, maxRetries: 3, matching: { httpStatusCodes: "503" } }
    circuitBreakers:
      tripAfterThree: { maxRequests: 1, timeout: 2s, trip: consecutiveFailures > 2 }
`;

const invoke = (sidecar: SidecarHandle, method: string) => http('POST', `${sidecar.url}/v1.0/invoke/${sidecar.appId}/method/${method}`, { body: 'x' });

const setUp = (t: ExecutionContext, target: string) => startFlakySetup(t, POLICIES, (appId) => `    apps:\n      ${appId}: ${target}\n`);

/** The app fails `failures` times; the caller gets `expected`, after that many calls reached the app. */
const flakyCall = test.macro(async (t, target: string, failures: number, expected: { status: number; text: string; calls: number }) => {
  const { app, sidecar } = await setUp(t, target);
  app.failNext(failures);
  const response = await invoke(sidecar, 'work');
  t.deepEqual({ status: response.status, text: response.text, calls: app.callsTo('work') }, expected);
});

test('a retry policy carries a call through a flaky app', flakyCall, '{ retry: threeTimes }', 2, { status: 200, text: 'ok', calls: 3 });
test("without a retry policy the flaky app's 500 comes back at once", flakyCall, '{ timeout: short }', 2, { status: 500, text: 'flaky failure', calls: 1 });
test("once retries are spent the app's last answer comes back unchanged", flakyCall, '{ retry: threeTimes }', 10, { status: 500, text: 'flaky failure', calls: 4 });
test('matching status codes retry only those answers', flakyCall, '{ retry: only503 }', 2, { status: 500, text: 'flaky failure', calls: 1 });

test('a circuit breaker opens after its trip, fails fast, and closes after a success once half-open', async (t) => {
  const { app, sidecar } = await setUp(t, '{ circuitBreaker: tripAfterThree }');
  app.failNext(1000);
  for (let i = 0; i < 3; i++) t.is((await invoke(sidecar, 'work')).status, 500);
  const refused = await invoke(sidecar, 'work');
  t.is(refused.status, 500);
  t.deepEqual(refused.json<DaprErrorBody>(), { errorCode: 'ERR_DIRECT_INVOKE', message: `failed to invoke, id: ${sidecar.appId}, err: circuit breaker is open` });
  t.is(app.callsTo('work'), 3, 'no call reached the app while the circuit was open');

  app.failNext(0);
  await waitUntil('the half-open breaker lets a call through', async () => (await invoke(sidecar, 'work')).status === 200, { timeoutMs: 30_000, intervalMs: 200 });
  t.is(app.callsTo('work'), 4, 'the only call let through was the half-open trial');
  t.is((await invoke(sidecar, 'work')).status, 200);
  t.is(app.callsTo('work'), 5);
});

test('a timeout policy cuts a slow app call with ERR_DIRECT_INVOKE', async (t) => {
  const { app, sidecar } = await setUp(t, '{ timeout: short }');
  const response = await invoke(sidecar, 'slow');
  t.is(response.status, 500);
  t.deepEqual(response.json<DaprErrorBody>(), {
    errorCode: 'ERR_DIRECT_INVOKE',
    message: `failed to invoke, id: ${sidecar.appId}, err: timed out after 300ms (resiliency timeout policy)`,
  });
  t.is(app.callsTo('slow'), 1);
});

test('a retry policy reaches another app\'s sidecar too', async (t) => {
  const { app, sidecar: callee } = await setUp(t, '{}');
  const resources = await resourcesDir(t, { 'resiliency.yaml': resiliencyYaml(`${POLICIES}  targets:\n    apps:\n      ${callee.appId}: { retry: threeTimes }\n`) });
  const caller = await startSidecar(t, { resourcesPaths: [resources], placement: placementOf(callee) });
  app.failNext(2);
  await waitUntil('the caller sees the callee', async () => (await http('POST', `${caller.url}/v1.0/invoke/${callee.appId}/method/ping`)).status === 200, { timeoutMs: 30_000, intervalMs: 200 });
  app.failNext(2);
  const before = app.callsTo('work');
  const response = await http('POST', `${caller.url}/v1.0/invoke/${callee.appId}/method/work`);
  t.is(response.status, 200);
  t.is(app.callsTo('work') - before, 3);
});

test('an invalid Resiliency resource stops the sidecar at start-up with the file and policy named', async (t) => {
  const resources = await resourcesDir(t, { 'resiliency.yaml': resiliencyYaml('  policies:\n    circuitBreakers:\n      cb: { trip: failures > 5 }\n') });
  const error = await t.throwsAsync(startSidecar(t, { resourcesPaths: [resources] }));
  t.regex(error.message, /resiliency "resiliency" in .*resiliency\.yaml: circuit breaker policy "cb": trip "failures > 5": "failures" is neither a number nor one of/);
});

function placementOf(sidecar: SidecarHandle): string {
  const match = /--embedded-placement-port\s+(\d+)/.exec(sidecar.process.spawnargs.join(' '));
  return `127.0.0.1:${match![1]}`;
}
