import test from 'ava';
import { pino } from 'pino';
import { ManualClock } from '../../../runtime/src/clock/index.js';
import { componentYaml, resourcesDir } from '../../harness/files.js';
import { CircuitOpenError, readResiliency, ResiliencyError, type Policy, type Resiliency } from '../../../runtime/src/resiliency/index.js';

const logger = pino({ level: 'silent' });

async function load(t: import('ava').ExecutionContext, spec: string, appId = 'checkout'): Promise<{ resiliency: Resiliency; clock: ManualClock }> {
  const clock = new ManualClock();
  const yaml = `apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: r\nspec:\n${spec}`;
  const dir = await resourcesDir(t, { 'resiliency.yaml': yaml, 'store.yaml': componentYaml('store', 'state.in-memory') });
  return { resiliency: await readResiliency([dir], appId, { clock, logger }), clock };
}

const POLICIES = `  policies:
    timeouts:
      general: 5s
      DefaultTimeoutPolicy: 9s
      DefaultStatestoreComponentOutboundTimeoutPolicy: 3s
    retries:
      important: { policy: constant, duration: 1ms, maxRetries: 4 }
      DefaultRetryPolicy: { policy: constant, duration: 2ms, maxRetries: 1 }
      DefaultActorRetryPolicy: { policy: constant, duration: 3ms, maxRetries: 2 }
    circuitBreakers:
      once: { trip: consecutiveFailures >= 1, timeout: 10s }
`;

const failOnce = (policy: Policy | undefined) => policy!.run(() => Promise.reject(new Error('down'))).catch(() => undefined);

test('a target uses the policies it names, and defaults for the kinds it does not', async (t) => {
  const { resiliency } = await load(t, `${POLICIES}  targets:\n    apps:\n      payments: { retry: important }\n`);
  t.like(resiliency.app('payments')?.parts, { timeoutMs: 9000, retry: { maxRetries: 4 } });
  t.like(resiliency.app('other')?.parts, { timeoutMs: 9000, retry: { maxRetries: 1 } });
});

test('the most specific default policy wins', async (t) => {
  const { resiliency } = await load(t, POLICIES);
  t.like(resiliency.actor('cart', '1')?.parts, { timeoutMs: 9000, retry: { maxRetries: 2 } });
  t.is(resiliency.componentOutbound('store', 'state')?.parts.timeoutMs, 3000);
  t.is(resiliency.componentOutbound('bus', 'pubsub')?.parts.timeoutMs, 9000);
  t.is(resiliency.componentInbound('store', 'state')?.parts.timeoutMs, 9000);
});

test('no policy at all when nothing names or defaults one', async (t) => {
  const { resiliency } = await load(t, `  policies:\n    timeouts:\n      general: 5s\n  targets:\n    apps:\n      payments: { timeout: general }\n`);
  t.truthy(resiliency.app('payments'));
  t.is(resiliency.app('orders'), undefined);
  t.is(resiliency.actor('cart', '1'), undefined);
  t.is(resiliency.componentOutbound('store', 'state'), undefined);
});

test('an app keeps one circuit breaker across calls', async (t) => {
  const { resiliency } = await load(t, `${POLICIES}  targets:\n    apps:\n      payments: { circuitBreaker: once }\n`);
  await failOnce(resiliency.app('payments'));
  await t.throwsAsync(resiliency.app('payments')!.run(async () => 'ok'), { instanceOf: CircuitOpenError });
});

for (const [scope, sameTypeOtherIdOpen, sameIdOpen] of [
  ['type', true, true],
  ['id', false, true],
  ['both', true, true],
] as const) {
  test(`actor breakers with scope ${scope}`, async (t) => {
    const { resiliency } = await load(t, `${POLICIES}  targets:\n    actors:\n      cart: { circuitBreaker: once, circuitBreakerScope: ${scope} }\n`);
    await failOnce(resiliency.actor('cart', 'a'));
    const open = async (id: string) => (await resiliency.actor('cart', id)!.run(async () => 'ok').catch((err: unknown) => err)) instanceof CircuitOpenError;
    t.is(await open('b'), sameTypeOtherIdOpen);
    t.is(await open('a'), sameIdOpen);
  });
}

test('per-id breakers beyond the cache size are forgotten, least recently used first', async (t) => {
  const { resiliency } = await load(t, `${POLICIES}  targets:\n    actors:\n      cart: { circuitBreaker: once, circuitBreakerScope: id, circuitBreakerCacheSize: 2 }\n`);
  await failOnce(resiliency.actor('cart', 'a'));
  await failOnce(resiliency.actor('cart', 'b'));
  await failOnce(resiliency.actor('cart', 'c'));
  t.is(await resiliency.actor('cart', 'a')!.run(async () => 'ok'), 'ok');
  await t.throwsAsync(resiliency.actor('cart', 'c')!.run(async () => 'ok'), { instanceOf: CircuitOpenError });
});

test('a breaker turns half-open on the injected clock', async (t) => {
  const { resiliency, clock } = await load(t, `${POLICIES}  targets:\n    apps:\n      payments: { circuitBreaker: once }\n`);
  await failOnce(resiliency.app('payments'));
  clock.advance(10_000);
  t.is(await resiliency.app('payments')!.run(async () => 'ok'), 'ok');
});

test('reading the resources folder names the file of a bad document', async (t) => {
  const error = await t.throwsAsync(load(t, `  policies:\n    timeouts:\n      general: never\n`), { instanceOf: ResiliencyError });
  t.regex(error.message, /^resiliency "r" in .*resiliency\.yaml: timeout policy "general" must be a duration/);
});
