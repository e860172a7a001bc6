/**
 * Broker faults through a real sidecar and app, shared by the components on real brokers: the
 * connection cut (a TcpProxy in front of the broker) and an app that keeps failing a message.
 */
import test, { type ExecutionContext } from 'ava';
import { componentYaml, resourcesDir } from '../../../harness/files.js';
import { waitUntil } from '../../../harness/eventually.js';
import { http, type DaprErrorBody } from '../../../harness/http.js';
import { uniqueId } from '../../../harness/ids.js';
import { startSidecar, type SidecarHandle } from '../../../harness/sidecar.js';
import { TcpProxy } from '../../../harness/tcp-proxy.js';
import { FAST_RETRIES, publish, startSubscriberApp, waitUntilSubscribed, type Answer, type SubscriberApp } from '../../pubsub/helpers.js';

export interface BrokerUnderTest {
  /** The component type, e.g. `pubsub.mqtt3`. */
  readonly type: string;
  readonly broker: { readonly host: string; readonly port: number };
  /** Component metadata that reaches the broker at `port`; `t` owns what the test creates on the broker. */
  readonly metadata: (t: ExecutionContext, port: number, topic: string) => Record<string, string>;
  /** How the component names the refusal in its error message. */
  readonly refusal: RegExp;
}

const TEXT = { 'content-type': 'text/plain' };

async function subscribedSidecar(t: ExecutionContext, setup: BrokerUnderTest, port: number, answer?: (attempt: number) => Answer): Promise<{ topic: string; app: SubscriberApp; sidecar: SidecarHandle }> {
  const topic = uniqueId('faults');
  let attempts = 0;
  const app = await startSubscriberApp(t, [{ pubsubname: 'pubsub', topic, route: '/in' }], answer && (() => answer(++attempts)));
  const dir = await resourcesDir(t, { 'pubsub.yaml': componentYaml('pubsub', setup.type, { ...FAST_RETRIES, ...setup.metadata(t, port, topic) }) });
  const sidecar = await startSidecar(t, { appPort: app.port, resourcesPaths: [dir] });
  await waitUntilSubscribed(sidecar);
  return { topic, app, sidecar };
}

export function sidecarFaults(name: string, setup: BrokerUnderTest): void {
  test(`${name}: while the broker is unreachable publishing fails with ERR_PUBSUB_PUBLISH_MESSAGE; the sidecar reconnects and delivers again`, async (t) => {
    const proxy = await TcpProxy.start(setup.broker);
    t.teardown(() => proxy.close());
    const { topic, app, sidecar } = await subscribedSidecar(t, setup, proxy.port);
    t.is((await publish(sidecar, topic, 'before', TEXT)).status, 204);
    await waitUntil('the first message arrived', () => app.deliveries('/in').length === 1, { timeoutMs: 20_000 });

    await proxy.cut();
    const during = await publish(sidecar, topic, 'during', TEXT);
    t.is(during.status, 500);
    t.is(during.json<DaprErrorBody>().errorCode, 'ERR_PUBSUB_PUBLISH_MESSAGE');
    t.regex(during.json<DaprErrorBody>().message, new RegExp(`error when publishing to topic ${topic} in pubsub pubsub: .*${setup.refusal.source}`));
    t.is((await http('GET', `${sidecar.url}/v1.0/healthz`)).status, 204, 'the sidecar itself stays up');

    await proxy.restore();
    await waitUntil('publishing works again', async () => (await publish(sidecar, topic, 'after', TEXT)).status === 204, { timeoutMs: 30_000, intervalMs: 250 });
    await waitUntil('the subscription delivers again', () => app.events('/in').some((e) => e['data'] === 'after'), { timeoutMs: 30_000 });
    t.false(app.events('/in').some((e) => e['data'] === 'during'), 'the refused publish was not written later');
  });

  test(`${name}: a message the app fails past the sidecar's retries is delivered again by the broker`, async (t) => {
    // The first three deliveries (one try and FAST_RETRIES' two retries) fail; the broker's redelivery succeeds.
    const { topic, app, sidecar } = await subscribedSidecar(t, setup, setup.broker.port, (attempt) => (attempt <= 3 ? { status: 500 } : { status: 200, body: { status: 'SUCCESS' } }));
    t.is((await publish(sidecar, topic, 'again', TEXT)).status, 204);
    await waitUntil('the broker delivered the message again', () => app.deliveries('/in').length >= 4, { timeoutMs: 40_000 });
    const events = app.events('/in');
    t.true(events.every((e) => e['id'] === events[0]!['id'] && e['data'] === 'again'), 'every delivery is the same message');
  });
}
