import test from 'ava';
import { checkReferences, emptySpec, parseResiliencyDocuments, ResiliencyError, type ResiliencySpec } from '../../../runtime/src/resiliency/index.js';

const FULL = `
apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: myresiliency
scopes: [checkout, orders]
spec:
  policies:
    timeouts:
      general: 5s
      fast: 250ms
    retries:
      pubsubRetry:
        policy: constant
        duration: 2s
        maxRetries: 10
      retryForever:
        policy: exponential
        maxInterval: 15s
        maxRetries: -1
      only5xx:
        maxRetries: 3
        matching:
          httpStatusCodes: "429,500-599"
          gRPCStatusCodes: "1-4,8-11"
    circuitBreakers:
      simpleCB:
        maxRequests: 2
        interval: 8s
        timeout: 45s
        trip: consecutiveFailures > 8
      defaults: {}
  targets:
    apps:
      payments:
        timeout: general
        retry: only5xx
        circuitBreaker: simpleCB
    actors:
      cart:
        timeout: fast
        circuitBreaker: simpleCB
        circuitBreakerScope: both
        circuitBreakerCacheSize: 100
    components:
      statestore:
        outbound:
          retry: retryForever
      orders-pubsub:
        inbound:
          retry: pubsubRetry
          circuitBreaker: simpleCB
`;

function parse(text: string, appId = 'checkout'): ResiliencySpec {
  const spec = emptySpec();
  parseResiliencyDocuments(text, '/r/resiliency.yaml', appId, spec);
  checkReferences(spec);
  return spec;
}

function refused(t: import('ava').ExecutionContext, text: string, message: RegExp): void {
  const error = t.throws(() => parse(text), { instanceOf: ResiliencyError });
  t.regex(error.message, message);
}

const withPolicies = (policies: string, targets = '') =>
  `apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: bad\nspec:\n  policies:\n${policies}\n  targets:\n${targets || '    apps: {}'}\n`;

test('a full document is read with Dapr defaults filled in', (t) => {
  const spec = parse(FULL);
  t.deepEqual([...spec.timeouts], [['general', 5000], ['fast', 250]]);
  t.like(spec.retries.get('pubsubRetry'), { policy: 'constant', durationMs: 2000, maxRetries: 10, maxIntervalMs: 60_000 });
  t.like(spec.retries.get('retryForever'), { policy: 'exponential', maxIntervalMs: 15_000, maxRetries: -1, durationMs: 5000 });
  const matching = spec.retries.get('only5xx')!.retriesStatus!;
  t.deepEqual([429, 500, 599, 404, 600].map(matching), [true, true, true, false, false]);
  t.like(spec.circuitBreakers.get('simpleCB'), { maxRequests: 2, intervalMs: 8000, timeoutMs: 45_000 });
  t.like(spec.circuitBreakers.get('defaults'), { maxRequests: 1, intervalMs: 0, timeoutMs: 60_000 });
  t.deepEqual(spec.apps.get('payments'), { timeout: 'general', retry: 'only5xx', circuitBreaker: 'simpleCB' });
  t.like(spec.actors.get('cart'), { timeout: 'fast', circuitBreakerScope: 'both', circuitBreakerCacheSize: 100 });
  t.deepEqual(spec.components.get('statestore'), { outbound: { timeout: undefined, retry: 'retryForever', circuitBreaker: undefined }, inbound: undefined });
  t.like(spec.components.get('orders-pubsub')?.inbound, { retry: 'pubsubRetry', circuitBreaker: 'simpleCB' });
});

test('the default trip is more than 5 consecutive failures', (t) => {
  const trip = parse(FULL).circuitBreakers.get('defaults')!.trip;
  const counts = { requests: 6, totalSuccesses: 0, totalFailures: 6, consecutiveSuccesses: 0 };
  t.false(trip({ ...counts, consecutiveFailures: 5 }));
  t.true(trip({ ...counts, consecutiveFailures: 6 }));
});

test('a document scoped to other apps is ignored; other kinds of resource are skipped', (t) => {
  const spec = parse(`${FULL}\n---\napiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: state.in-memory\n`, 'shipping');
  t.is(spec.timeouts.size, 0);
  t.is(spec.apps.size, 0);
});

test('documents are merged; a name defined twice is refused', (t) => {
  const one = withPolicies('    timeouts:\n      general: 5s');
  const spec = emptySpec();
  parseResiliencyDocuments(one, 'a.yaml', 'app', spec);
  parseResiliencyDocuments(withPolicies('    timeouts:\n      other: 1s'), 'b.yaml', 'app', spec);
  t.is(spec.timeouts.size, 2);
  const error = t.throws(() => parseResiliencyDocuments(one, 'c.yaml', 'app', spec), { instanceOf: ResiliencyError });
  t.is(error.message, 'resiliency "bad" in c.yaml: timeout policy "general" is defined twice (Resiliency documents are merged; names must be unique)');
});

test('bad policies are refused with the file and the policy named', (t) => {
  refused(t, withPolicies('    timeouts:\n      general: soon'), /^resiliency "bad" in \/r\/resiliency.yaml: timeout policy "general" must be a duration such as "5s"/);
  refused(t, withPolicies('    timeouts:\n      general: 0s'), /timeout policy "general" must be longer than 0/);
  refused(t, withPolicies('    retries:\n      r:\n        policy: linear'), /retry policy "r": policy must be "constant" or "exponential", got "linear"/);
  refused(t, withPolicies('    retries:\n      r:\n        maxRetries: -2'), /retry policy "r": maxRetries must be -1 \(no limit\), 0 or more/);
  refused(t, withPolicies('    retries:\n      r:\n        maxRetries: many'), /retry policy "r": maxRetries must be a whole number, got "many"/);
  refused(t, withPolicies('    retries:\n      r:\n        duration: 5'), /retry policy "r": duration must be a duration/);
  refused(t, withPolicies('    retries:\n      r:\n        matching:\n          httpStatusCodes: "500-"'), /matching.httpStatusCodes: "500-" is not a code or range within 100-599/);
  refused(t, withPolicies('    retries:\n      r:\n        matching:\n          gRPCStatusCodes: "17"'), /matching.gRPCStatusCodes: "17" is not a code or range within 0-16/);
  refused(t, withPolicies('    circuitBreakers:\n      cb:\n        trip: consecutiveFailures > 5 or requests > 1'), /circuit breaker policy "cb": trip "consecutiveFailures > 5 or requests > 1": unexpected "or"/);
  refused(t, withPolicies('    circuitBreakers:\n      cb:\n        maxRequests: 0'), /maxRequests must be 1 or more/);
});

test('bad targets are refused with the target named', (t) => {
  refused(t, withPolicies('    timeouts: {}', '    apps:\n      payments:\n        retry: missing'), /^resiliency target apps.payments: there is no retry policy named "missing"$/);
  refused(t, withPolicies('    timeouts: {}', '    actors:\n      cart:\n        circuitBreaker: nope'), /actors.cart: there is no circuit breaker policy named "nope"/);
  refused(t, withPolicies('    timeouts: {}', '    components:\n      store:\n        outbound:\n          timeout: t'), /components.store.outbound: there is no timeout policy named "t"/);
  refused(t, withPolicies('    timeouts: {}', '    actors:\n      cart:\n        circuitBreakerScope: instance'), /targets.actors.cart.circuitBreakerScope must be type, id or both, got "instance"/);
  refused(t, withPolicies('    timeouts: {}', '    apps:\n      payments:\n        retry: [a]'), /targets.apps.payments.retry must be a policy name/);
  refused(t, withPolicies('    timeouts: {}', '    components:\n      store: outbound'), /targets.components.store must be a mapping with outbound and\/or inbound/);
});

test('malformed documents are refused', (t) => {
  refused(t, 'apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: bad\n', /resiliency "bad" in \/r\/resiliency.yaml: spec is missing/);
  refused(t, 'apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: bad\nscopes: app\nspec: {}\n', /scopes must be a list of app ids/);
  refused(t, 'kind: [Resiliency\n', /\/r\/resiliency.yaml: invalid YAML/);
  refused(t, withPolicies('    timeout:\n      general: 5s'), /spec.policies.timeout is not one of timeouts, retries, circuitBreakers/);
  refused(t, withPolicies('    timeouts: {}', '    app:\n      payments: {}'), /spec.targets.app is not one of apps, actors, components/);
});
