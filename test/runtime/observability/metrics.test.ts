import test from 'ava';
import { waitUntil } from '../../harness/eventually.js';
import { startPlacementProcess } from '../../harness/placement.js';
import { startSidecar } from '../../harness/sidecar.js';
import { uniqueId } from '../../harness/ids.js';
import { publish, startPubSubSidecar, startSubscriberApp } from '../pubsub/helpers.js';
import { callActor, startActorSidecar } from './actor-sidecar.js';

async function scrape(port: number | undefined): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return response.text();
}

/** The value of the one series of `name` whose labels include every pair in `labels`. */
function valueOf(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('a scrape shows actor activations and the API latency count moving', async (t) => {
  const { sidecar } = await startActorSidecar(t, 'Metered');
  const route = '/v1.0/actors/{type}/{id}/method/{method}';
  const before = await scrape(sidecar.metricsPort);
  t.is(valueOf(before, 'dapr_runtime_actor_activated_total', { actor_type: 'Metered' }), undefined);

  for (const id of ['a', 'b', 'a']) t.is((await callActor(sidecar, 'Metered', id)).status, 200);
  const after = await scrape(sidecar.metricsPort);
  t.is(valueOf(after, 'dapr_runtime_actor_activated_total', { actor_type: 'Metered', app_id: sidecar.appId }), 2);
  t.is(valueOf(after, 'dapr_http_server_latency_count', { path: route, method: 'POST', status: '200' }), 3);
  t.is(valueOf(after, 'outrigger_runtime_actor_active', { actor_type: 'Metered' }), 2);
  t.is(valueOf(after, 'outrigger_runtime_actor_turn_wait_ms_count', { actor_type: 'Metered' }), 3);
  t.true((valueOf(after, 'outrigger_runtime_placement_table_version', {}) ?? 0) >= 1);
});

test('API errors are counted by their Dapr error code', async (t) => {
  const sidecar = await startSidecar(t);
  t.is((await fetch(`${sidecar.url}/v1.0/state/nosuchstore/k`)).status, 400);
  const text = await scrape(sidecar.metricsPort);
  t.is(valueOf(text, 'outrigger_api_errors_total', { error_code: 'ERR_STATE_STORE_NOT_FOUND' }), 1);
  t.is(valueOf(text, 'dapr_http_server_request_count', { path: '/v1.0/state/{store}/{key}', status: '400' }), 1);
});

test('--enable-metrics=false serves no metrics', async (t) => {
  const sidecar = await startSidecar(t, { args: ['--enable-metrics=false'] });
  t.is(sidecar.metricsPort, undefined);
});

test('the placement serves its hosts, table version and dissemination rounds', async (t) => {
  const placement = await startPlacementProcess(t);
  await startSidecar(t, { placement: placement.address });
  await waitUntil('a round completed', async () => (valueOf(await scrape(placement.metricsPort), 'outrigger_placement_dissemination_rounds_total', {}) ?? 0) >= 1, {
    timeoutMs: 30_000,
  });
  const text = await scrape(placement.metricsPort);
  t.is(valueOf(text, 'outrigger_placement_hosts', {}), 1);
  t.true((valueOf(text, 'outrigger_placement_table_version', {}) ?? 0) >= 1);
  t.is(valueOf(text, 'outrigger_placement_dissemination_duration_ms_count', {}), valueOf(text, 'outrigger_placement_dissemination_rounds_total', {}));
});

test('reminder and timer fires, reminder registrations and lag show in the scrape', async (t) => {
  const { sidecar } = await startActorSidecar(t, 'Scheduled');
  const actor = `${sidecar.url}/v1.0/actors/Scheduled/s-1`;
  const body = (extra: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dueTime: '0s', period: '100ms', ...extra }) });
  t.is((await fetch(`${actor}/reminders/r`, body({}))).status, 204);
  t.is((await fetch(`${actor}/timers/tm`, body({ callback: 'incr' }))).status, 204);
  let text = '';
  await waitUntil('both have fired a few times', async () => {
    text = await scrape(sidecar.metricsPort);
    return (valueOf(text, 'dapr_runtime_actor_reminders_fired_total', { actor_type: 'Scheduled', success: 'true' }) ?? 0) >= 2
      && (valueOf(text, 'dapr_runtime_actor_timers_fired_total', { actor_type: 'Scheduled', success: 'true' }) ?? 0) >= 2;
  }, { timeoutMs: 20_000 });
  t.is(valueOf(text, 'outrigger_runtime_actor_reminders_registered_total', { actor_type: 'Scheduled' }), 1);
  t.true((valueOf(text, 'outrigger_runtime_actor_reminder_lag_ms_count', { actor_type: 'Scheduled' }) ?? 0) >= 2);
});

test('publishes and deliveries are counted by component and topic', async (t) => {
  const topic = uniqueId('metered');
  const app = await startSubscriberApp(t, [{ pubsubname: 'pubsub', topic, route: '/in' }]);
  const sidecar = await startPubSubSidecar(t, app);
  for (let i = 0; i < 3; i++) t.is((await publish(sidecar, topic, `m${i}`, { 'content-type': 'text/plain' })).status, 204);
  let text = '';
  await waitUntil('the deliveries are counted', async () => {
    text = await scrape(sidecar.metricsPort);
    return valueOf(text, 'dapr_component_pubsub_ingress_count', { component: 'pubsub', topic, process_status: 'success' }) === 3;
  }, { timeoutMs: 20_000 });
  t.is(valueOf(text, 'dapr_component_pubsub_egress_count', { component: 'pubsub', topic, success: 'true' }), 3);
});
